import { Counter, Gauge } from 'prom-client';
import type { Database } from '../db/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { queueDepthSql } from './job-sql.ts';

/** One counter per registry, however many workers record into it. */
const countersByMetrics = new WeakMap<Metrics, Counter<'queue' | 'outcome'>>();

/**
 * `job_runs_total{queue, outcome}`: attempts ended `succeeded`, `retried`, `dead_lettered`, or
 * `lease_lost` (the attempt outlived its lease and another worker owns the job).
 */
export function jobOutcomes(metrics: Metrics): Counter<'queue' | 'outcome'> {
  let counter = countersByMetrics.get(metrics);
  if (counter === undefined) {
    counter = new Counter({
      name: `${metrics.prefix}job_runs_total`,
      help: 'Job attempts by queue and outcome (succeeded, retried, dead_lettered, lease_lost).',
      labelNames: ['queue', 'outcome'],
      registers: [metrics.registry],
    });
    countersByMetrics.set(metrics, counter);
  }
  return counter;
}

/**
 * `job_queue_depth{queue}`: jobs due and not running, read from the database at scrape time
 * (one grouped count, bounded by `timeoutMs`; a failed read leaves the last values).
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { registerJobQueueDepth } from '@keelson/kit/jobs';
 * import { createMetrics } from '@keelson/kit/metrics';
 * registerJobQueueDepth(createMetrics(), await createPgliteDatabase({}), ['emails']);
 * ```
 */
export function registerJobQueueDepth(
  metrics: Metrics,
  db: Pick<Database, 'query'>,
  queues: readonly string[],
  options: { readonly clock?: () => number; readonly timeoutMs?: number } = {},
): void {
  const clock = options.clock ?? Date.now;
  new Gauge({
    name: `${metrics.prefix}job_queue_depth`,
    help: 'Jobs due and not running, per queue.',
    labelNames: ['queue'],
    registers: [metrics.registry],
    async collect() {
      const deadline = Date.now() + (options.timeoutMs ?? 1_000);
      try {
        const { rows } = await db.query<{ queue: string; depth: number }>({ deadline }, queueDepthSql, [
          new Date(clock()),
        ]);
        const depths = new Map(rows.map((row) => [row.queue, Number(row.depth)]));
        for (const queue of queues) this.set({ queue }, depths.get(queue) ?? 0);
      } catch {
        // A scrape must not fail because the database is slow; the values stay as last read.
      }
    },
  });
}
