import { Gauge } from 'prom-client';
import type { PoolStats } from '../db/database.ts';
import type { Metrics } from './create-metrics.ts';

type PoolSources = Map<string, () => PoolStats>;

/**
 * Pools registered per metrics object. The gauges exist once per registry (a metric
 * name can be registered only once) and read every pool on scrape, so the map is the
 * only state; it dies with the metrics object.
 */
const sourcesByMetrics = new WeakMap<Metrics, PoolSources>();

/**
 * Exposes a connection pool as gauges read at scrape time (no timers):
 * `db_pool_connections`, `db_pool_idle_connections`, `db_pool_waiting_requests`,
 * each labelled `pool="<name>"`.
 *
 * @example
 * ```ts
 * import { createMetrics, registerPoolGauges } from '@keelson/kit/metrics';
 * const metrics = createMetrics();
 * registerPoolGauges(metrics, 'primary', () => ({ total: 10, idle: 7, waiting: 0 }));
 * ```
 */
export function registerPoolGauges(metrics: Metrics, name: string, stats: () => PoolStats): void {
  let sources = sourcesByMetrics.get(metrics);
  if (sources === undefined) {
    sources = new Map();
    sourcesByMetrics.set(metrics, sources);
    createGauges(metrics, sources);
  }
  if (sources.has(name)) {
    throw new Error(`Pool gauges for "${name}" are already registered.`);
  }
  sources.set(name, stats);
}

function createGauges(metrics: Metrics, sources: PoolSources): void {
  const gauge = (suffix: string, help: string, pick: (stats: PoolStats) => number): void => {
    new Gauge({
      name: `${metrics.prefix}db_pool_${suffix}`,
      help,
      labelNames: ['pool'],
      registers: [metrics.registry],
      collect() {
        for (const [pool, read] of sources) this.set({ pool }, pick(read()));
      },
    });
  };
  gauge('connections', 'Open connections in the pool.', (s) => s.total);
  gauge('idle_connections', 'Open connections not checked out.', (s) => s.idle);
  gauge('waiting_requests', 'Callers queued for a connection.', (s) => s.waiting);
}
