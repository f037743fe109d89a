import type { Delivery, SubscribeOptions } from '../events/event-bus.ts';
import { fullJitterDelayMs } from '../resilience/backoff.ts';

/** A consumer's retry policy; the transport-neutral half of `SubscribeOptions`. */
export interface ConsumerPolicy {
  readonly consumer: string;
  readonly types: SubscribeOptions['types'];
  readonly concurrency: number;
  readonly maxDeliveries: number;
  /** Full jitter: retry n waits uniformly in [0, min(maxBackoffMs, baseBackoffMs × 2^(n−1))). */
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * `SubscribeOptions` for a consumer: backoff with full jitter, and the dead-letter writer.
 *
 * @example
 * ```ts
 * import { consumerSubscribeOptions } from '@keelson/kit/inbox';
 * const options = consumerSubscribeOptions(
 *   { consumer: 'fulfillment', types: ['order.paid'], concurrency: 4, maxDeliveries: 5, baseBackoffMs: 200, maxBackoffMs: 30_000 },
 *   async (delivery, error) => console.error(delivery.message.id, error),
 * );
 * ```
 */
export function consumerSubscribeOptions(
  policy: ConsumerPolicy,
  onDeadLetter: (delivery: Delivery, error: unknown) => Promise<void>,
  random: () => number = Math.random,
): SubscribeOptions {
  if (!Number.isInteger(policy.maxDeliveries) || policy.maxDeliveries < 1) {
    throw new RangeError(`maxDeliveries must be a whole number ≥ 1 (got ${policy.maxDeliveries})`);
  }
  return {
    consumer: policy.consumer,
    types: policy.types,
    concurrency: policy.concurrency,
    maxDeliveries: policy.maxDeliveries,
    // At least 1 ms: a zero delay would spin a failing handler without yielding to the event loop.
    backoffMs: (attempt) => Math.max(1, fullJitterDelayMs(attempt, policy.baseBackoffMs, policy.maxBackoffMs, random)),
    onDeadLetter,
  };
}
