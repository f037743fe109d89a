import { Histogram } from 'prom-client';
import type { Metrics } from '../metrics/create-metrics.ts';
import { registerWorkerPool } from '../metrics/worker-pool-gauges.ts';
import type { EventHandler } from './event-bus.ts';

/** One histogram per registry, however many consumers observe into it. */
const lagByMetrics = new WeakMap<Metrics, Histogram<'consumer'>>();

function lagHistogram(metrics: Metrics): Histogram<'consumer'> {
  let histogram = lagByMetrics.get(metrics);
  if (histogram === undefined) {
    histogram = new Histogram({
      name: `${metrics.prefix}event_consumer_lag_seconds`,
      help: 'Time from an event occurring to its consumer taking it up (first delivery), per consumer.',
      labelNames: ['consumer'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers: [metrics.registry],
    });
    lagByMetrics.set(metrics, histogram);
  }
  return histogram;
}

/**
 * Wraps a consumer's handler with its metrics, the same on every transport:
 * - `event_consumer_lag_seconds{consumer}`: the event's age when its first delivery starts
 *   (outbox relay + broker + a full handler pool). Redeliveries are left out: their delay is the
 *   retry backoff, not lag;
 * - `worker_pool_in_use{pool="events.<consumer>"}` / `worker_pool_capacity`: handlers running
 *   against the subscription's concurrency.
 *
 * @example
 * ```ts
 * import { createInProcessBus, measuredHandler } from '@keelson/kit/events';
 * import { createMetrics } from '@keelson/kit/metrics';
 * const handler = measuredHandler(createMetrics(), { consumer: 'fulfillment', concurrency: 8 }, async () => {});
 * await createInProcessBus().subscribe(
 *   { consumer: 'fulfillment', types: '*', concurrency: 8, maxDeliveries: 5, backoffMs: () => 100, onDeadLetter: async () => {} },
 *   handler,
 * );
 * ```
 */
export function measuredHandler(
  metrics: Metrics,
  options: { readonly consumer: string; readonly concurrency: number; readonly clock?: () => number },
  handler: EventHandler,
): EventHandler {
  const clock = options.clock ?? Date.now;
  const lag = lagHistogram(metrics).labels({ consumer: options.consumer });
  let inUse = 0;
  registerWorkerPool(metrics, `events.${options.consumer}`, () => ({ inUse, capacity: options.concurrency }));
  return async (delivery) => {
    if (delivery.attempt === 1) {
      const occurredAt = Date.parse(delivery.message.occurredAt);
      // A clock behind the producer's would read negative: that is no lag.
      if (Number.isFinite(occurredAt)) lag.observe(Math.max(0, clock() - occurredAt) / 1000);
    }
    inUse += 1;
    try {
      await handler(delivery);
    } finally {
      inUse -= 1;
    }
  };
}
