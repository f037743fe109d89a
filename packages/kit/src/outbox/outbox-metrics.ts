import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { Database } from '../db/database.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { createOutboxStore } from './outbox-store.ts';

/** The counters a relay updates. */
export interface OutboxMetrics {
  readonly published: Pick<Counter, 'inc'>;
  readonly publishFailures: Pick<Counter, 'inc'>;
}

/**
 * Registers `outbox_lag_seconds` (age of the oldest unpublished row, read from the database at
 * scrape time, so it is right whichever process relays), `outbox_published_total` and
 * `outbox_publish_failures_total` (this process's relays).
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { createMetrics } from '@keelson/kit/metrics';
 * import { registerOutboxMetrics } from '@keelson/kit/outbox';
 * const outboxMetrics = registerOutboxMetrics(createMetrics(), await createPgliteDatabase({}), pino());
 * outboxMetrics.published.inc(3);
 * ```
 */
export function registerOutboxMetrics(metrics: Metrics, db: Database, logger: Logger): OutboxMetrics {
  const store = createOutboxStore(db);
  new Gauge({
    name: `${metrics.prefix}outbox_lag_seconds`,
    help: 'Age of the oldest outbox row not yet published (0 when none waits).',
    registers: [metrics.registry],
    async collect() {
      try {
        this.set(await store.lagSeconds({ deadline: Date.now() + 1_000 }));
      } catch (error) {
        // A scrape must not fail because the database is away; the gauge keeps its last value.
        logger.warn({ err: error }, 'outbox lag: could not read the outbox');
      }
    },
  });
  return {
    published: new Counter({
      name: `${metrics.prefix}outbox_published_total`,
      help: 'Outbox rows this process published and marked published.',
      registers: [metrics.registry],
    }),
    publishFailures: new Counter({
      name: `${metrics.prefix}outbox_publish_failures_total`,
      help: 'Publish attempts of a claimed batch that the bus did not acknowledge (rows stay unpublished).',
      registers: [metrics.registry],
    }),
  };
}
