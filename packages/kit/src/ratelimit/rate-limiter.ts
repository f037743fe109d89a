import { randomUUID } from 'node:crypto';
import type { RateLimitPolicy } from './rate-limit-policy.ts';
import type { AdmitResult, BucketState, RateLimitStore } from './rate-limit-store.ts';

/** Who decided: the configured `store`, or the per-process `fallback` while the store is unreachable. */
export type DecisionSource = 'store' | 'fallback';

/** An admission: go ahead and `release()` when done, or the reason it was refused. */
export type Admission =
  | ({ readonly allowed: true; readonly source: DecisionSource; release(): void } & BucketState)
  | ({
      readonly allowed: false;
      readonly source: DecisionSource;
      readonly reason: 'rate' | 'concurrency';
      /** When a retry can pass: tokens for `rate`; a guess (one second) for `concurrency`. */
      readonly retryAfterMs: number;
    } & BucketState);

/** Counters since start, read at scrape time by `registerRateLimitMetrics`. */
export interface RateLimiterStats {
  /** By `<outcome>:<source>`: `allowed`, `rate_limited` or `concurrency_limited`; `store` or `fallback`. */
  readonly decisions: Readonly<Record<string, number>>;
  /** Shared-store calls that failed or timed out, each answered by the local limiter. */
  readonly storeFailures: number;
  /** Whether the shared store is being bypassed right now. */
  readonly degraded: boolean;
}

/** Settings of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  readonly store: RateLimitStore;
  /**
   * A shared store's stand-in when it fails or answers later than `timeoutMs`: a per-process
   * limiter (fail open, but not unlimited). Omit for a store that cannot fail (memory).
   */
  readonly fallback?: RateLimitStore;
  /** Budget of one shared-store call. Default 50 ms. */
  readonly timeoutMs?: number;
  /** After a failure, how long decisions go straight to the fallback before the store is tried again. Default 1 s. */
  readonly retryStoreAfterMs?: number;
  /** Epoch milliseconds; tests drive time with it. */
  readonly clock?: () => number;
  /** Called when the shared store starts failing (once per outage) and when it answers again. */
  readonly onStoreStateChange?: (state: { readonly degraded: boolean; readonly error?: unknown }) => void;
}

/** The limiter core: token bucket + concurrent-request limiter per key, over any store. */
export interface RateLimiter {
  admit(request: {
    readonly key: string;
    readonly policy: RateLimitPolicy;
    readonly cost: number;
    readonly leaseMs: number;
    /** The request's W3C traceparent: a shared store's calls are spans of its trace. */
    readonly traceparent?: string | undefined;
  }): Promise<Admission>;
  stats(): RateLimiterStats;
}

/** The wait a concurrency rejection suggests: slots free as requests end, so soon. */
const concurrencyRetryMs = 1_000;

/**
 * Creates the limiter. With a `fallback`, a shared store that throws or takes longer than
 * `timeoutMs` is bypassed for `retryStoreAfterMs` (the fallback decides, per process) and
 * then tried again, so shared enforcement returns within that time of the store coming back.
 * A slot the shared store granted after its call had timed out is released at once.
 *
 * @example
 * ```ts
 * import { createMemoryRateLimitStore, createRateLimiter } from '@keelson/kit/ratelimit';
 * const limiter = createRateLimiter({ store: createMemoryRateLimitStore() });
 * const policy = { name: 'default', rate: 100, burst: 200, concurrency: 20 };
 * const admission = await limiter.admit({ key: 'key_1', policy, cost: 1, leaseMs: 10_000 });
 * if (admission.allowed) admission.release();
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 50;
  const retryStoreAfterMs = options.retryStoreAfterMs ?? 1_000;
  const decisions: Record<string, number> = {};
  let storeFailures = 0;
  let bypassUntil = -Infinity;
  let degraded = false;

  function count(result: AdmitResult, source: DecisionSource): void {
    const name = `${result.kind}:${source}`;
    decisions[name] = (decisions[name] ?? 0) + 1;
  }

  async function decide(
    request: Parameters<RateLimitStore['admit']>[0],
  ): Promise<{ result: AdmitResult; store: RateLimitStore; source: DecisionSource }> {
    const { fallback } = options;
    if (fallback === undefined)
      return { result: await options.store.admit(request), store: options.store, source: 'store' };
    if (request.now >= bypassUntil) {
      try {
        const result = await withTimeout(options.store.admit(request), timeoutMs, (late) => {
          // Granted after we stopped waiting: the request is decided locally, so free the slot.
          if (late.kind === 'allowed') options.store.release(request.key, request.leaseId).catch(() => {});
        });
        if (degraded) {
          degraded = false;
          options.onStoreStateChange?.({ degraded: false });
        }
        return { result, store: options.store, source: 'store' };
      } catch (error) {
        storeFailures += 1;
        bypassUntil = request.now + retryStoreAfterMs;
        if (!degraded) {
          degraded = true;
          options.onStoreStateChange?.({ degraded: true, error });
        }
      }
    }
    return { result: await fallback.admit(request), store: fallback, source: 'fallback' };
  }

  return {
    async admit({ key, policy, cost, leaseMs, traceparent }) {
      const leaseId = randomUUID();
      const { result, store, source } = await decide({
        key,
        policy,
        cost,
        leaseMs,
        leaseId,
        now: clock(),
        traceparent,
      });
      count(result, source);
      const state = { remaining: result.remaining, resetMs: result.resetMs };
      switch (result.kind) {
        case 'allowed': {
          let released = false;
          const release = (): void => {
            if (released) return;
            released = true;
            // A lost release only holds the slot until its lease ends; it must not fail the request.
            store.release(key, leaseId, traceparent).catch(() => {});
          };
          return { allowed: true, source, release, ...state };
        }
        case 'rate_limited':
          return { allowed: false, source, reason: 'rate', retryAfterMs: result.retryAfterMs, ...state };
        case 'concurrency_limited':
          return { allowed: false, source, reason: 'concurrency', retryAfterMs: concurrencyRetryMs, ...state };
      }
    },
    stats: () => ({ decisions: { ...decisions }, storeFailures, degraded }),
  };
}

/** Settles with `work` or rejects after `ms`; a result that arrives later goes to `onLate`. */
function withTimeout<T>(work: Promise<T>, ms: number, onLate: (value: T) => void): Promise<T> {
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`rate-limit store did not answer within ${ms} ms`));
    }, ms);
  });
  work.then(
    (value) => {
      if (timedOut) onLate(value);
    },
    () => {},
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
