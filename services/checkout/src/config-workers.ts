import { configField } from '@keelson/kit/config';
import { z } from 'zod';
import { ms } from './config-fields.ts';

/** Settings of the worker role: jobs and cron, the event bus, the outbox relay and the consumers. Part of `configSpec` (config.ts). */
export const workerConfig = {
  // Jobs and cron (worker role): see composition/jobs.ts.
  jobsConcurrency: configField({
    env: 'KEELSON_JOBS_CONCURRENCY',
    schema: z.coerce.number().int().min(1).max(64),
    default: 4,
    doc: 'Jobs one worker process runs at once',
  }),
  jobsPollIntervalMs: configField({
    env: 'KEELSON_JOBS_POLL_INTERVAL_MS',
    schema: z.coerce.number().int().min(10).max(60_000),
    default: 1_000,
    doc: 'How often an idle worker looks for due jobs',
  }),
  outboxRetentionHours: configField({
    env: 'KEELSON_OUTBOX_RETENTION_HOURS',
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 366),
    default: 168,
    doc: 'How long published outbox rows are kept before the daily prune deletes them',
  }),
  // Events (issue 8): the bus, the outbox relay and the consumers of the worker role.
  natsUrl: configField({
    env: 'KEELSON_NATS_URL',
    schema: z.string().regex(/^nats:\/\//, 'must be a nats:// URL'),
    optional: true,
    secret: true,
    doc: 'NATS JetStream server for events; unset (and no AMQP URL) = the in-process bus',
  }),
  amqpUrl: configField({
    env: 'KEELSON_AMQP_URL',
    schema: z.string().regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL'),
    optional: true,
    secret: true,
    doc: 'RabbitMQ server for events; unset (and no NATS URL) = the in-process bus',
  }),
  flagsFile: configField({
    env: 'KEELSON_FLAGS_PATH',
    schema: z.string().min(1),
    optional: true,
    doc: 'Feature flags in flagd format, watched (edits apply within a second); unset = every flag at its default',
  }),
  otlpEndpoint: configField({
    env: 'KEELSON_OTLP_ENDPOINT',
    schema: z.url({ protocol: /^https?$/ }),
    optional: true,
    doc: 'OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318); traces go to <url>/v1/traces. Unset = tracing off',
  }),
  traceSampleRatio: configField({
    env: 'KEELSON_TRACE_SAMPLE_RATIO',
    schema: z.coerce.number().min(0).max(1),
    default: 1,
    doc: "Fraction of new traces recorded (parent-based: a caller's sampled flag is followed)",
  }),
  eventPrefix: configField({
    env: 'KEELSON_EVENT_PREFIX',
    schema: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be dot-separated lower-case words'),
    default: 'checkout',
    doc: 'Subjects and routing keys are <prefix>.<type>; names the JetStream stream and the RabbitMQ exchange',
  }),
  outboxBatchSize: configField({
    env: 'KEELSON_OUTBOX_BATCH_SIZE',
    schema: z.coerce.number().int().min(1).max(1_000),
    default: 100,
    doc: 'Outbox rows a relay claims and publishes at once',
  }),
  outboxPollIntervalMs: configField({
    env: 'KEELSON_OUTBOX_POLL_INTERVAL_MS',
    schema: ms,
    default: 1_000,
    doc: 'How often the relay looks for rows when no NOTIFY woke it',
  }),
  outboxLeaseMs: configField({
    env: 'KEELSON_OUTBOX_LEASE_MS',
    schema: z.coerce.number().int().min(2_000),
    default: 30_000,
    doc: "How long a relay's claim holds its rows; keep the broker's de-duplication window longer",
  }),
  consumerConcurrency: configField({
    env: 'KEELSON_CONSUMER_CONCURRENCY',
    schema: z.coerce.number().int().min(1).max(256),
    default: 8,
    doc: 'Messages each consumer handles at once (a fetch never asks for more)',
  }),
  consumerMaxDeliveries: configField({
    env: 'KEELSON_CONSUMER_MAX_DELIVERIES',
    schema: z.coerce.number().int().min(1).max(100),
    default: 5,
    doc: 'Deliveries of a message before it goes to the dead letters',
  }),
  fulfillmentDelayMs: configField({
    env: 'KEELSON_FULFILLMENT_DELAY_MS',
    schema: z.coerce.number().int().min(0).max(60_000),
    default: 200,
    doc: 'How long the simulated shipping step takes before a paid order is fulfilled',
  }),
} as const;
