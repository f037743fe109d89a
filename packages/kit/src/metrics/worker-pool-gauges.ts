import { Gauge } from 'prom-client';
import type { Metrics } from './create-metrics.ts';

/** What a bounded pool of workers is doing right now. */
export interface WorkerPoolStats {
  /** Slots running work. */
  readonly inUse: number;
  /** Slots there are; `inUse / capacity` is the pool's utilisation, 1 when saturated. */
  readonly capacity: number;
}

type PoolSources = Map<string, () => WorkerPoolStats>;

/** Pools registered per metrics object; the gauges exist once per registry (see pool gauges). */
const sourcesByMetrics = new WeakMap<Metrics, PoolSources>();

/**
 * Exposes a bounded worker pool (event-consumer handlers, job slots, webhook delivery slots) as
 * USE gauges read at scrape time: `worker_pool_in_use{pool}` and `worker_pool_capacity{pool}`.
 * What waits for the pool is each pool's own metric (`job_queue_depth`, `webhook_deliveries_due`,
 * `event_consumer_lag_seconds`), since only its owner knows how to count it cheaply.
 *
 * @example
 * ```ts
 * import { createMetrics, registerWorkerPool } from '@keelson/kit/metrics';
 * let running = 0;
 * registerWorkerPool(createMetrics(), 'jobs', () => ({ inUse: running, capacity: 4 }));
 * running += 1;
 * ```
 */
export function registerWorkerPool(metrics: Metrics, name: string, stats: () => WorkerPoolStats): void {
  let sources = sourcesByMetrics.get(metrics);
  if (sources === undefined) {
    sources = new Map();
    sourcesByMetrics.set(metrics, sources);
    createGauges(metrics, sources);
  }
  if (sources.has(name)) throw new Error(`Worker pool gauges for "${name}" are already registered.`);
  sources.set(name, stats);
}

function createGauges(metrics: Metrics, sources: PoolSources): void {
  const gauge = (suffix: string, help: string, pick: (stats: WorkerPoolStats) => number): void => {
    new Gauge({
      name: `${metrics.prefix}worker_pool_${suffix}`,
      help,
      labelNames: ['pool'],
      registers: [metrics.registry],
      collect() {
        for (const [pool, read] of sources) this.set({ pool }, pick(read()));
      },
    });
  };
  gauge('in_use', 'Worker slots running work, per pool.', (s) => s.inUse);
  gauge('capacity', 'Worker slots of the pool (its concurrency limit).', (s) => s.capacity);
}
