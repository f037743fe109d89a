import { Counter } from 'prom-client';
import type { LogDestinationStats } from '../logging/log-destination.ts';
import type { Metrics } from './create-metrics.ts';

/**
 * Exposes what a broken or slow log destination cost as `log_lines_lost_total`, labelled
 * `reason="buffer_full"` (the reader stopped reading) or `reason="write_error"` (it went
 * away). Read at scrape time from the destination's own counts; no timers.
 *
 * @example
 * ```ts
 * import { createLogDestination } from '@keelson/kit/logging';
 * import { createMetrics, registerLogCounters } from '@keelson/kit/metrics';
 * const destination = createLogDestination();
 * registerLogCounters(createMetrics(), () => destination.stats());
 * ```
 */
export function registerLogCounters(metrics: Metrics, stats: () => LogDestinationStats): void {
  const reported = { dropped: 0, failed: 0 };
  new Counter({
    name: `${metrics.prefix}log_lines_lost_total`,
    help: 'Log lines never written: dropped on a full buffer, or lost to a write error.',
    labelNames: ['reason'],
    registers: [metrics.registry],
    collect() {
      const now = stats();
      // A counter only goes up: add what was lost since the last scrape.
      this.inc({ reason: 'buffer_full' }, now.dropped - reported.dropped);
      this.inc({ reason: 'write_error' }, now.failed - reported.failed);
      reported.dropped = now.dropped;
      reported.failed = now.failed;
    },
  });
}
