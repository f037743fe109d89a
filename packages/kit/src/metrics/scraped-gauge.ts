import { Gauge } from 'prom-client';
import type { Metrics } from './create-metrics.ts';

/**
 * A gauge without labels whose value is read at scrape time, e.g. a count from the database, for
 * services that should not depend on prom-client themselves. A read that fails or outlives the
 * scrape keeps the last value: a scrape must not fail because a dependency is slow.
 *
 * @example
 * ```ts
 * import { createMetrics, registerScrapedGauge } from '@keelson/kit/metrics';
 * registerScrapedGauge(createMetrics(), 'widgets_due', 'Widgets waiting.', async () => 3);
 * ```
 */
export function registerScrapedGauge(
  metrics: Metrics,
  name: string,
  help: string,
  read: () => Promise<number> | number,
): void {
  new Gauge({
    name: `${metrics.prefix}${name}`,
    help,
    registers: [metrics.registry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        // The value stays as last read.
      }
    },
  });
}
