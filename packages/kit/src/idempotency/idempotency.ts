import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/index.ts';
import { isFinalStatus } from './finality.ts';
import { isValidIdempotencyKey } from './idempotency-key.ts';
import type { IdempotencyLease, IdempotencyScope, IdempotencyStore, StoredResponse } from './idempotency-store.ts';

/** The shortest retention allowed: clients are promised at least a day to retry. */
export const minRetentionMs = 24 * 60 * 60 * 1000;

/** Settings of {@link createIdempotency}; only the store is required. */
export interface IdempotencyOptions {
  readonly store: IdempotencyStore;
  /** How long a key is remembered after its last use; at least (and by default) 24 h. */
  readonly retentionMs?: number;
  /**
   * The clock (epoch ms) every lease and expiry is computed from, passed to the store with each
   * call; the database's `now()` is never used, so replicas need clocks in sync (NTP) to within
   * the lease margin. Default `Date.now`; tests pass their own.
   */
  readonly clock?: () => number;
  /** Longest `retryAfterMs` told to a duplicate in flight (never past its lease). Default 1 s. */
  readonly maxRetryAfterMs?: number;
  /**
   * Budget of a store call made without a caller deadline (purge), and the least one `complete`
   * and `release` get whatever deadline they are given. Default 2 s.
   */
  readonly storeTimeoutMs?: number;
}

/** Per-request settings of `begin`. */
export interface BeginOptions {
  /** How long this attempt may hold the key: the request's time left plus a margin. */
  readonly leaseMs: number;
  /** Wall-clock time (epoch ms) by which the store must answer, e.g. the request's deadline. */
  readonly deadline?: number;
}

/** What `begin` decided. */
export type BeginDecision =
  | {
      /** The caller holds the key's lease: execute, then `complete` or `release` the lease. */
      readonly kind: 'execute';
      /** An earlier attempt under this key began executing and left no final outcome. */
      readonly recovered: boolean;
      readonly lease: IdempotencyLease;
    }
  /** An earlier attempt finished: answer with its response. */
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  /** Another attempt holds the lease: answer 409 and have the client retry after this long. */
  | { readonly kind: 'in_progress'; readonly retryAfterMs: number }
  /** The key was used for another request (its fingerprint differs): answer 422. */
  | { readonly kind: 'mismatch' };

/** Per-call settings of `complete` and `release`. */
export interface SettleOptions {
  /**
   * The caller's own deadline (epoch ms), e.g. the request's: the store call may run until then,
   * and never gets less than `storeTimeoutMs`. On a pool the requests share, a call under the
   * request's deadline keeps the request's `statement_timeout` (ADR 0005): under a 2 s budget of
   * its own, completing a payment cost two `SET statement_timeout` round trips (one to 2 s, one
   * back for the next request on that connection). The lease's margin must cover the later of
   * the two plus the database's network grace (the HTTP installer's margin: 5 s).
   */
  readonly deadline?: number;
}

/** How a lease ends without a final outcome. */
export interface ReleaseOptions extends SettleOptions {
  /**
   * Whether the attempt executed anything. Default `true`: after a transient failure (5xx, 408,
   * 429) the record keeps its fingerprint, so the next retry with the same request executes
   * again with `recovered: true` and one with another body is still refused. `false` for a
   * request rejected before it executed: the key is forgotten as if never sent (unless an
   * earlier attempt under it had executed).
   */
  readonly executed?: boolean;
}

/**
 * Idempotency keys: at most one execution at a time per (tenant, key), replay of final
 * outcomes, and takeover of leases left by crashed or timed-out attempts.
 *
 * The contract (Stripe's atomic phases): the kit does not make a use case idempotent by itself.
 * It guarantees one execution at a time per key, replays final outcomes, and lets a later
 * attempt take over an expired lease. The use case receives the key (and `recovered`) and finds
 * its own recovery point: each of its local steps commits together with a record of how far it
 * got (e.g. a payment row created under this key, in the same transaction as its effect), and its
 * only foreign call carries an idempotency key derived from that record, so repeating it cannot
 * act twice. `recovered: false` means no earlier attempt under this key executed within the
 * retention window; with `true`, look for the recovery point before acting.
 *
 * Exactly one of `complete` (a final outcome, see `isFinalStatus`) or `release` follows every
 * `execute`. Reject requests (authentication, validation, rate limits) before `begin`: they must
 * store nothing.
 *
 * @example
 * ```ts
 * import { createIdempotency, createMemoryIdempotencyStore, fingerprintOf } from '@keelson/kit/idempotency';
 * const idempotency = createIdempotency({ store: createMemoryIdempotencyStore() });
 * const scope = { tenant: 'ten_1', key: 'pay-42' };
 * const fingerprint = fingerprintOf({ method: 'POST', route: '/v1/payments', body: { amount: 100 } });
 * const decision = await idempotency.begin(scope, fingerprint, { leaseMs: 15_000 });
 * if (decision.kind === 'execute') {
 *   const body = new TextEncoder().encode('{"id":"pay_1"}');
 *   await idempotency.complete(decision.lease, { status: 201, headers: { 'content-type': 'application/json' }, body });
 * }
 * ```
 */
export interface Idempotency {
  begin(scope: IdempotencyScope, fingerprint: string, options: BeginOptions): Promise<BeginDecision>;
  /**
   * Stores a final outcome and ends the lease. Returns false when the lease had been taken over
   * by a later attempt (this one ran past its lease): that attempt's outcome is the one kept.
   * Throws RangeError for a status that is not final.
   */
  complete(lease: IdempotencyLease, response: StoredResponse, options?: SettleOptions): Promise<boolean>;
  /** Ends the lease without an outcome, so the next retry executes again. */
  release(lease: IdempotencyLease, options?: ReleaseOptions): Promise<void>;
  /** Deletes every expired record no live lease holds, in batches; returns how many. */
  purgeExpired(now?: number): Promise<number>;
  /**
   * Purges every `intervalMs` on an unref'd timer (it never keeps the process alive), one purge
   * at a time; failures go to `onError` (which must not throw). The returned function stops it
   * and waits for a purge in progress. A plain timer until a job scheduler owns the purge.
   */
  startPurgeTimer(intervalMs: number, onError: (error: unknown) => void): () => Promise<void>;
}

/** Rounds of tryLock + get before giving up: each round loses only to another attempt's progress. */
const maxRounds = 3;
const purgeBatch = 1_000;

/**
 * Builds the idempotency core over a store.
 *
 * @example
 * ```ts
 * import { createIdempotency, createMemoryIdempotencyStore } from '@keelson/kit/idempotency';
 * const idempotency = createIdempotency({ store: createMemoryIdempotencyStore(), retentionMs: 48 * 3_600_000 });
 * const stop = idempotency.startPurgeTimer(60_000, (error) => console.error(error));
 * await stop();
 * ```
 */
export function createIdempotency(options: IdempotencyOptions): Idempotency {
  const { store } = options;
  const retentionMs = options.retentionMs ?? minRetentionMs;
  const clock = options.clock ?? Date.now;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 1_000;
  const storeTimeoutMs = options.storeTimeoutMs ?? 2_000;
  if (!Number.isSafeInteger(retentionMs) || retentionMs < minRetentionMs) {
    throw new RangeError(`retentionMs must be a whole number of milliseconds, at least 24 h; got ${retentionMs}`);
  }
  positive('maxRetryAfterMs', maxRetryAfterMs);
  positive('storeTimeoutMs', storeTimeoutMs);
  const call = (deadline = 0) => ({ deadline: Math.max(deadline, Date.now() + storeTimeoutMs) });

  async function purgeExpired(now = clock()): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await store.purge({ ...call(), now, limit: purgeBatch });
      total += deleted;
      if (deleted < purgeBatch) return total;
    }
  }

  return {
    async begin(scope, fingerprint, { leaseMs, deadline }) {
      if (!isValidIdempotencyKey(scope.key)) {
        throw new AppError('invalid', 'idempotency_key_invalid', 'The Idempotency-Key is not valid.');
      }
      if (scope.tenant === '') throw new TypeError('begin: the scope needs a tenant');
      positive('leaseMs', leaseMs);
      const storeCall = { deadline: deadline ?? Date.now() + storeTimeoutMs };
      for (let round = 0; round < maxRounds; round += 1) {
        const now = clock();
        const lockedUntil = now + Math.ceil(leaseMs);
        const token = randomUUID();
        const expiresAt = Math.max(now + retentionMs, lockedUntil);
        const lock = await store.tryLock(scope, { ...storeCall, fingerprint, token, now, lockedUntil, expiresAt });
        if (lock.locked) return { kind: 'execute', recovered: lock.attempts > 1, lease: { ...scope, token } };
        const record = await store.get(scope, storeCall);
        // Gone, expired or released since tryLock looked: another round will take it.
        if (record === undefined) continue;
        const live = record.lockedUntil !== undefined && record.lockedUntil > now;
        if (!live && record.expiresAt <= now) continue;
        if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (record.response !== undefined) return { kind: 'replay', response: record.response };
        if (live) {
          const left = (record.lockedUntil ?? now) - now;
          return { kind: 'in_progress', retryAfterMs: Math.max(1, Math.min(left, maxRetryAfterMs)) };
        }
      }
      throw new AppError('unavailable', 'transaction_aborted', 'The idempotency key changed state repeatedly; retry.');
    },

    async complete(lease, response, settleOptions = {}) {
      if (!isFinalStatus(response.status)) {
        throw new RangeError(`complete: status ${response.status} is not a final outcome; release the lease instead`);
      }
      const now = clock();
      return store.complete(lease, { ...call(settleOptions.deadline), response, now, expiresAt: now + retentionMs });
    },

    async release(lease, releaseOptions = {}) {
      await store.release(lease, { ...call(releaseOptions.deadline), forget: releaseOptions.executed === false });
    },

    purgeExpired,

    startPurgeTimer(intervalMs, onError) {
      positive('intervalMs', intervalMs);
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> | undefined;
      let stopped = false;
      const schedule = (): void => {
        timer = setTimeout(tick, intervalMs);
        timer.unref();
      };
      const tick = (): void => {
        running = purgeExpired()
          .then(
            () => undefined,
            (error: unknown) => onError(error),
          )
          .finally(() => {
            running = undefined;
            if (!stopped) schedule();
          });
      };
      schedule();
      return async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
      };
    },
  };
}

function positive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number; got ${value}`);
}
