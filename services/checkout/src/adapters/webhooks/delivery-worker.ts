import type { Tracing } from '@keelson/kit/telemetry';
import {
  type AddressGuard,
  guardedPost,
  type PostOutcome,
  type Resolve,
  signatureHeader,
  signWebhookPayload,
} from '@keelson/kit/webhooks';
import type { Logger } from 'pino';
import type { DeliveryPolicy } from '../../domain/webhooks.ts';
import type { AttemptResult, ClaimedDelivery, WebhookDeliveryQueue } from '../postgres/webhook-delivery.pg-queue.ts';
import { startAttemptSpan } from './attempt-span.ts';

export interface DeliveryWorkerOptions {
  readonly queue: WebhookDeliveryQueue;
  readonly policy: DeliveryPolicy;
  readonly guard: AddressGuard;
  /** Name resolution for receivers; default the system's. */
  readonly resolve?: Resolve;
  /** Signing time, due times and the secret overlap are judged by it (tests move it). */
  readonly clock: { now(): Date };
  readonly random?: () => number;
  /** Attempts in flight at once, across endpoints. */
  readonly concurrency: number;
  /** Attempts in flight at once to one endpoint: its backlog never takes every slot. */
  readonly perEndpoint: number;
  /** How often to look for due deliveries when nothing wakes the worker sooner. */
  readonly pollMs: number;
  /** A receiver answers (status line and headers) within this, or the attempt failed. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** A CLIENT span per attempt, in the trace of the event it delivers. */
  readonly tracing?: Tracing;
  /** Told each recorded attempt's outcome (a metric). */
  readonly onRecorded?: (outcome: RecordedAttempt) => void;
}

/** What recording an attempt did: delivered, to be retried, dead-lettered, or superseded by a newer attempt. */
export type RecordedAttempt = 'succeeded' | 'retry' | 'dead' | 'superseded';

export interface DeliveryWorker {
  /** Look for due deliveries now (after an enqueue in this process). */
  wake(): void;
  /** Attempts running now, out of `concurrency` (a metric). */
  readonly inFlight: number;
  /** Stops claiming; attempts in flight get `drainMs`, then are aborted (their leases make them due again). */
  stop(drainMs: number): Promise<void>;
}

function resultOf(outcome: PostOutcome, at: Date): AttemptResult {
  switch (outcome.kind) {
    case 'response': {
      const ok = outcome.status >= 200 && outcome.status < 300;
      return {
        ok,
        at,
        statusCode: outcome.status,
        durationMs: outcome.durationMs,
        error: ok ? null : `HTTP ${outcome.status}`,
      };
    }
    case 'refused':
      return { ok: false, at, statusCode: null, durationMs: outcome.durationMs, error: `refused: ${outcome.reason}` };
    case 'failed':
      return { ok: false, at, statusCode: null, durationMs: outcome.durationMs, error: outcome.error };
  }
}

/**
 * Claims due deliveries (`FOR UPDATE SKIP LOCKED`, so several workers share the table), POSTs
 * each signed envelope outside any transaction, and records the result. Bounded twice: at most
 * `concurrency` attempts, at most `perEndpoint` of them to one endpoint; an endpoint whose
 * circuit is open is not claimed at all, so a dead receiver costs the others nothing.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { queue, clock, logger } = options;
  const random = options.random ?? Math.random;
  const abort = new AbortController();
  const inFlight = new Map<string, number>();
  const running = new Set<Promise<void>>();
  let stopping = false;
  let wakeUp: (() => void) | undefined;

  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.pollMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    const at = clock.now();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Keelson-Webhooks/1',
      'keelson-event-id': delivery.eventId,
      'keelson-delivery-id': delivery.id,
      [signatureHeader]: signWebhookPayload(delivery.secrets, delivery.body, Math.floor(at.getTime() / 1_000)),
    };
    const endSpan = startAttemptSpan(options.tracing, delivery);
    const outcome = await guardedPost(delivery.url, delivery.body, headers, {
      guard: options.guard,
      timeoutMs: options.timeoutMs,
      signal: abort.signal,
      ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
    });
    // Cut short by shutdown: not the receiver's fault; the lease makes it due again.
    endSpan(abort.signal.aborted ? undefined : outcome);
    if (abort.signal.aborted) return;
    const result = resultOf(outcome, at);
    const recorded = await queue.record(delivery, result, options.policy, random());
    options.onRecorded?.(recorded);
    logger.debug(
      { delivery: delivery.id, attempt: delivery.attempt, recorded, error: result.error },
      'webhook attempt',
    );
  }

  function launch(delivery: ClaimedDelivery): void {
    inFlight.set(delivery.endpointId, (inFlight.get(delivery.endpointId) ?? 0) + 1);
    const run = attempt(delivery)
      .catch((error: unknown) =>
        logger.warn({ err: error, delivery: delivery.id }, 'webhook attempt not recorded; its lease will retry it'),
      )
      .finally(() => {
        const left = (inFlight.get(delivery.endpointId) ?? 1) - 1;
        if (left === 0) inFlight.delete(delivery.endpointId);
        else inFlight.set(delivery.endpointId, left);
        running.delete(run);
        wakeUp?.();
      });
    running.add(run);
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      const free = options.concurrency - running.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const batch = await queue.claim({
            now: clock.now(),
            limit: free,
            perEndpoint: options.perEndpoint,
            inFlight,
            leaseMs: options.timeoutMs + 5_000,
          });
          for (const delivery of batch) launch(delivery);
          claimed = batch.length;
        } catch (error) {
          logger.warn({ err: error }, 'webhook delivery claim failed; retrying after the poll interval');
        }
      }
      // A full batch may leave more due work: look again at once, unless every slot is taken.
      if (!stopping && (claimed === 0 || claimed < free || running.size >= options.concurrency)) await sleep();
    }
  }

  const looping = loop();
  return {
    wake: () => wakeUp?.(),
    get inFlight() {
      return running.size;
    },
    async stop(drainMs) {
      stopping = true;
      wakeUp?.();
      await looping;
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.allSettled([...running]);
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
      abort.abort();
      await drained;
    },
  };
}
