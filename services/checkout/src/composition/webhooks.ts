import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { Closer } from '@keelson/kit/lifecycle';
import { createOutcomeCounter, type Metrics, registerScrapedGauge, registerWorkerPool } from '@keelson/kit/metrics';
import type { Tracing } from '@keelson/kit/telemetry';
import { createAddressGuard, type Resolve } from '@keelson/kit/webhooks';
import type { Logger } from 'pino';
import { renderEvent } from '../adapters/http/event.wire.ts';
import { createEventPgReader } from '../adapters/postgres/event.pg-reader.ts';
import { createWebhookPgRepository } from '../adapters/postgres/webhook.pg-repository.ts';
import { createWebhookDeliveryQueue } from '../adapters/postgres/webhook-delivery.pg-queue.ts';
import { startDeliveryWorker } from '../adapters/webhooks/delivery-worker.ts';
import { createSecretBox } from '../adapters/webhooks/secret-box.ts';
import type { EventReader, WebhookRepository, WebhookSettings } from '../app/webhooks/ports.ts';
import type { Config } from '../config.ts';
import type { DeliveryPolicy } from '../domain/webhooks.ts';

const hourMs = 3_600_000;

/** The delivery limits config does not set, stated once. */
export const webhookDelivery = {
  /** "A 2xx within 10 s is success" (issue 8 §5): the status line and headers must come by then. */
  timeoutMs: 10_000,
  /** Attempts in flight to one endpoint per worker. */
  perEndpoint: 4,
  pollMs: 1_000,
  /** Stop: attempts in flight get this long before they are aborted (their leases retry them). */
  drainMs: 3_000,
  retryBaseMs: 30_000,
  retryMaxDelayMs: hourMs,
  breakerThreshold: 5,
  breakerOpenMs: 60_000,
} as const;

export function deliveryPolicyOf(config: Config): DeliveryPolicy {
  return {
    retryBaseMs: webhookDelivery.retryBaseMs,
    retryMaxDelayMs: webhookDelivery.retryMaxDelayMs,
    retryHorizonMs: Math.round(config.webhooksRetryHorizonHours * hourMs),
    breakerThreshold: webhookDelivery.breakerThreshold,
    breakerOpenMs: webhookDelivery.breakerOpenMs,
  };
}

/**
 * The key that seals signing secrets: from config, else read or created (mode 0600) in the
 * data directory. Replicas against one PostgreSQL must share it, so there it should be set.
 */
function secretKeyFor(config: Config, logger: Logger): string {
  if (config.webhooksSecretKey !== undefined) return config.webhooksSecretKey;
  if (config.databaseUrl !== undefined) {
    logger.warn(
      'KEELSON_WEBHOOKS_SECRET_KEY is unset: webhook secrets are sealed with a key in the data directory; every replica needs the same key',
    );
  }
  const file = join(resolve(config.dataDir), 'webhook-secret-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(resolve(config.dataDir), { recursive: true });
    const key = randomBytes(32).toString('base64url');
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
}

export interface Webhooks {
  /** For buildApplication. */
  readonly ports: { webhooks: WebhookRepository; events: EventReader; webhookSettings: WebhookSettings };
  /** Starts the delivery worker (worker and all roles); the closer stops it. */
  startDelivery(options?: {
    readonly resolve?: Resolve;
    readonly metrics?: Metrics;
    readonly tracing?: Tracing;
  }): Closer;
}

/** Webhook endpoints, events and delivery, over the service's database. */
export function openWebhooks(config: Config, db: Database, newId: IdGenerator, logger: Logger): Webhooks {
  const box = createSecretBox(() => secretKeyFor(config, logger));
  const guard = createAddressGuard({ allowHttp: config.webhooksAllowHttp, allowlist: config.webhooksAllowlist });
  return {
    ports: {
      webhooks: createWebhookPgRepository(db, newId, box),
      events: createEventPgReader(db),
      webhookSettings: {
        renderEvent,
        checkWebhookUrl: (url) => guard.checkUrl(url),
        secretOverlapMs: Math.round(config.webhooksSecretOverlapHours * hourMs),
      },
    },
    startDelivery({ metrics, ...options } = {}) {
      // Deliveries by outcome: the webhook-delivery SLO (deploy/slo/slos.ts) reads delivered and dead_lettered.
      const count =
        metrics === undefined
          ? undefined
          : createOutcomeCounter(
              metrics,
              'webhook_deliveries_total',
              'Webhook delivery attempts recorded, by outcome.',
              ['delivered', 'retried', 'dead_lettered', 'superseded'] as const,
            );
      const outcomes = {
        succeeded: 'delivered',
        retry: 'retried',
        dead: 'dead_lettered',
        superseded: 'superseded',
      } as const;
      const queue = createWebhookDeliveryQueue(db, newId, box);
      const worker = startDeliveryWorker({
        queue,
        policy: deliveryPolicyOf(config),
        guard,
        clock: { now: () => new Date() },
        concurrency: config.webhooksConcurrency,
        perEndpoint: webhookDelivery.perEndpoint,
        pollMs: webhookDelivery.pollMs,
        timeoutMs: webhookDelivery.timeoutMs,
        logger: logger.child({ component: 'webhook-delivery' }),
        ...(count === undefined ? {} : { onRecorded: (recorded) => count(outcomes[recorded]) }),
        ...options,
      });
      if (metrics !== undefined) {
        registerWorkerPool(metrics, 'webhooks.delivery', () => ({
          inUse: worker.inFlight,
          capacity: config.webhooksConcurrency,
        }));
        registerScrapedGauge(
          metrics,
          'webhook_deliveries_due',
          'Webhook deliveries due and not yet claimed by a worker (all tenants).',
          () => queue.dueCount(new Date()),
        );
      }
      return { name: 'webhook-delivery', close: () => worker.stop(webhookDelivery.drainMs) };
    },
  };
}
