import { type ConfigOf, configField } from '@keelson/kit/config';
import { policyNamePattern } from '@keelson/kit/ratelimit';
import { parseAllowlist } from '@keelson/kit/webhooks';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const ms = z.coerce.number().int().min(1);

/** A named plan of KEELSON_RATE_LIMIT_PLANS; the name is announced in RateLimit-Policy. */
const ratePlan = z.strictObject({
  rate: z.number().gt(0),
  burst: z.number().int().min(1),
  concurrency: z.number().int().min(1),
});
const ratePlansSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown; // checked by the record schema below
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of plans' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(policyNamePattern, 'plan names are a-z, 0-9, _ and -'), ratePlan));

/**
 * Every setting of the checkout service. `keelson config print` lists them (secrets redacted);
 * README "Configuration" documents the same table.
 */
export const configSpec = {
  host: configField({
    env: 'KEELSON_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Interface the API and admin servers bind to (0.0.0.0 in containers)',
  }),
  httpPort: configField({ env: 'KEELSON_HTTP_PORT', schema: port, default: 8080, doc: 'Public API port' }),
  adminPort: configField({
    env: 'KEELSON_ADMIN_PORT',
    schema: port,
    default: 9090,
    doc: 'Admin port: /metrics, health, admin API',
  }),
  dataDir: configField({
    env: 'KEELSON_DATA_DIR',
    schema: z.string().min(1),
    default: './.keelson',
    doc: 'Embedded-mode data directory (PGlite database, admin token)',
  }),
  databaseUrl: configField({
    env: 'KEELSON_DATABASE_URL',
    schema: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
    optional: true,
    secret: true,
    doc: 'PostgreSQL server; unset = embedded PGlite in the data directory',
  }),
  databasePoolMax: configField({
    env: 'KEELSON_DATABASE_POOL_MAX',
    schema: z.coerce.number().int().min(1).max(500),
    default: 10,
    doc: 'Maximum PostgreSQL connections per process',
  }),
  adminToken: configField({
    env: 'KEELSON_ADMIN_TOKEN',
    schema: z.string().min(32),
    optional: true,
    secret: true,
    doc: 'Bearer token for the admin API; unset = generated into the data directory',
  }),
  logLevel: configField({
    env: 'KEELSON_LOG_LEVEL',
    schema: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    default: 'info',
    doc: 'Log level',
  }),
  requestTimeoutMs: configField({
    env: 'KEELSON_REQUEST_TIMEOUT_MS',
    schema: ms,
    default: 5_000,
    doc: 'Default per-request deadline',
  }),
  maxRequestTimeoutMs: configField({
    env: 'KEELSON_MAX_REQUEST_TIMEOUT_MS',
    schema: ms,
    default: 30_000,
    doc: 'Upper bound for a deadline asked for with X-Request-Deadline',
  }),
  headersTimeoutMs: configField({
    env: 'KEELSON_HEADERS_TIMEOUT_MS',
    // The chassis gives a whole request 30 s; headers cannot be allowed longer than that.
    schema: ms.max(30_000),
    default: 10_000,
    doc: 'Time a client has to send request headers',
  }),
  shutdownTimeoutMs: configField({
    env: 'KEELSON_SHUTDOWN_TIMEOUT_MS',
    schema: ms,
    default: 10_000,
    doc: 'How long in-flight requests may finish after SIGTERM',
  }),
  orderTtlSeconds: configField({
    env: 'KEELSON_ORDER_TTL_SECONDS',
    schema: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400),
    default: 1_800,
    doc: 'How long an unpaid order holds its stock',
  }),
  pspUrl: configField({
    env: 'KEELSON_PSP_URL',
    schema: z.url({ protocol: /^https?$/ }),
    optional: true,
    doc: 'Payment provider (Stripe API) base URL, e.g. https://api.stripe.com; unset = the in-process simulator',
  }),
  pspApiKey: configField({
    env: 'KEELSON_PSP_API_KEY',
    schema: z.string().regex(/^sk_(test|live)_\w+$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)'),
    default: 'sk_test_keelson',
    secret: true,
    doc: 'Payment provider secret key',
  }),
  pspTimeoutMarginMs: configField({
    env: 'KEELSON_PSP_TIMEOUT_MARGIN_MS',
    schema: z.coerce.number().int().min(0).max(5_000),
    default: 50,
    doc: 'Provider calls give up this long before the request deadline, to leave time to answer',
  }),
  pspBreakerVolume: configField({
    env: 'KEELSON_PSP_BREAKER_VOLUME',
    schema: z.coerce.number().int().min(1),
    default: 20,
    doc: 'Provider calls in the window before the circuit breaker judges',
  }),
  pspBreakerFailureRatio: configField({
    env: 'KEELSON_PSP_BREAKER_FAILURE_RATIO',
    schema: z.coerce.number().gt(0).max(1),
    default: 0.5,
    doc: 'Failure ratio that opens the provider circuit breaker',
  }),
  pspBreakerHalfOpenAfterMs: configField({
    env: 'KEELSON_PSP_BREAKER_HALF_OPEN_AFTER_MS',
    schema: ms,
    default: 5_000,
    doc: 'How long the provider circuit stays open before probing',
  }),
  pspMaxConcurrent: configField({
    env: 'KEELSON_PSP_MAX_CONCURRENT',
    schema: z.coerce.number().int().min(1),
    default: 64,
    doc: 'Concurrent provider calls (and as many queued); beyond, 503 at once',
  }),
  reconcileIntervalMs: configField({
    env: 'KEELSON_RECONCILE_INTERVAL_MS',
    schema: z.coerce.number().int().min(0),
    default: 60_000,
    doc: 'How often the worker settles payments and refunds left pending; 0 = never (run payments reconcile)',
  }),
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

  // --- Redis and caching (issue 9 §1, §4). KEELSON_REDIS_URL is shared with rate limiting: one definition.
  redisUrl: configField({
    env: 'KEELSON_REDIS_URL',
    schema: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
    optional: true,
    secret: true,
    doc: 'Redis for shared rate limits, cache, invalidations and key revocations; unset = in-process',
  }),
  redisPrefix: configField({
    env: 'KEELSON_REDIS_PREFIX',
    schema: z.string().regex(/^[\w.:-]{1,64}$/, 'must be 1-64 of letters, digits, _ . : -'),
    default: 'keelson',
    doc: 'Prefix of every Redis key and channel, so deployments can share one Redis',
  }),
  cacheTtlMs: configField({
    env: 'KEELSON_CACHE_TTL_MS',
    schema: z.coerce.number().int().min(100).max(3_600_000),
    default: 30_000,
    doc: 'Lifetime of a cached product (less up to 10% jitter); invalidation on write comes first',
  }),
  // --- end of Redis and caching
  // --- Product cache switch (issue 9 §6: the bench's cold read). Off = every product read goes to the database.
  cacheEnabled: configField({
    env: 'KEELSON_CACHE_ENABLED',
    schema: z.stringbool(),
    default: true,
    doc: 'Serve product reads from the cache; false = every read goes to the database (the API-key cache stays)',
  }),
  // --- end of product cache switch
  // Webhooks (issue 8 §5): delivery, retries, the SSRF guard and secret storage.
  webhooksAllowHttp: configField({
    env: 'KEELSON_WEBHOOKS_ALLOW_HTTP',
    schema: z.stringbool(),
    default: false,
    doc: 'Deliver to plain http:// URLs too (development only); default https only',
  }),
  webhooksAllowlist: configField({
    env: 'KEELSON_WEBHOOKS_ALLOWLIST',
    schema: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      )
      .superRefine((entries, ctx) => {
        try {
          parseAllowlist(entries);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    default: [],
    doc: 'Non-public addresses or CIDRs webhooks may reach, comma-separated (e.g. 127.0.0.1); exactly what is listed',
  }),
  webhooksSecretKey: configField({
    env: 'KEELSON_WEBHOOKS_SECRET_KEY',
    schema: z.string().min(32),
    optional: true,
    secret: true,
    doc: 'Key that seals webhook signing secrets in the database; unset = generated into the data directory',
  }),
  webhooksRetryHorizonHours: configField({
    env: 'KEELSON_WEBHOOKS_RETRY_HORIZON_HOURS',
    schema: z.coerce
      .number()
      .gt(0)
      .max(30 * 24),
    default: 72,
    doc: 'How long a failing delivery is retried before it becomes a dead letter',
  }),
  webhooksSecretOverlapHours: configField({
    env: 'KEELSON_WEBHOOKS_SECRET_OVERLAP_HOURS',
    schema: z.coerce
      .number()
      .min(0)
      .max(30 * 24),
    default: 24,
    doc: 'How long a rotated-out signing secret keeps signing (a second v1= signature)',
  }),
  webhooksConcurrency: configField({
    env: 'KEELSON_WEBHOOKS_CONCURRENCY',
    schema: z.coerce.number().int().min(0).max(1_000),
    default: 16,
    doc: 'Webhook deliveries in flight per worker process (at most 4 to one endpoint); 0 = this process delivers none',
  }),
  // Rate limiting and load shedding (issue 9): one block, see composition/limits.ts.
  rateLimitRate: configField({
    env: 'KEELSON_RATE_LIMIT_RATE',
    schema: z.coerce.number().gt(0),
    default: 100,
    doc: 'Default plan: requests per second an API key may sustain',
  }),
  rateLimitBurst: configField({
    env: 'KEELSON_RATE_LIMIT_BURST',
    schema: z.coerce.number().int().min(1),
    default: 200,
    doc: 'Default plan: requests an API key may send at once after a quiet spell',
  }),
  rateLimitConcurrency: configField({
    env: 'KEELSON_RATE_LIMIT_CONCURRENCY',
    schema: z.coerce.number().int().min(1),
    default: 50,
    doc: 'Default plan: requests of one API key in flight at once',
  }),
  rateLimitPlans: configField({
    env: 'KEELSON_RATE_LIMIT_PLANS',
    schema: ratePlansSchema,
    default: {},
    doc: 'Named plans, a JSON object: {"gold": {"rate": 500, "burst": 1000, "concurrency": 100}}',
  }),
  // KEELSON_REDIS_URL (redisUrl) is defined once, in the Redis and caching block: limits share it.
  rateLimitStore: configField({
    env: 'KEELSON_RATE_LIMIT_STORE',
    schema: z.enum(['shared', 'local']),
    default: 'shared',
    doc: 'shared = buckets in Redis when KEELSON_REDIS_URL is set (one limit for all instances); local = in this process (each instance enforces the plan on its own, no Redis call per request)',
  }),
  rateLimitRedisTimeoutMs: configField({
    env: 'KEELSON_RATE_LIMIT_REDIS_TIMEOUT_MS',
    schema: z.coerce.number().int().min(1).max(1_000),
    default: 50,
    doc: 'Longest wait for Redis per rate-limit decision; beyond it this process decides alone',
  }),
  shedEnabled: configField({
    env: 'KEELSON_SHED_ENABLED',
    schema: z.stringbool(),
    default: true,
    doc: 'Shed load (503 overloaded) when the event loop is saturated',
  }),
  shedMaxEventLoopDelayMs: configField({
    env: 'KEELSON_SHED_MAX_EVENT_LOOP_DELAY_MS',
    schema: z.coerce.number().int().min(1),
    default: 50,
    doc: 'p99 event-loop delay that counts as at capacity for load shedding (a backstop to the utilisation target)',
  }),
  shedMaxInFlight: configField({
    env: 'KEELSON_SHED_MAX_IN_FLIGHT',
    schema: z.coerce.number().int().min(1),
    optional: true,
    doc: 'Requests in flight that count as at capacity for load shedding; unset = 8 × KEELSON_DATABASE_POOL_MAX',
  }),
  // Load shedding's utilisation target (ADR 0012): its own block, see composition/limits.ts.
  shedTargetUtilization: configField({
    env: 'KEELSON_SHED_TARGET_UTILIZATION',
    schema: z.coerce.number().gt(0).max(1),
    default: 0.8,
    doc: 'Event-loop utilisation the load shedder holds by refusing the least important requests',
  }),
} as const;

export type Config = ConfigOf<typeof configSpec>;

/** Rules between settings, checked after each setting parsed on its own. Each names its variables. */
export function configConflicts(config: Config): string[] {
  const problems: string[] = [];
  if (config.requestTimeoutMs > config.maxRequestTimeoutMs) {
    problems.push(
      `KEELSON_REQUEST_TIMEOUT_MS: ${config.requestTimeoutMs} exceeds KEELSON_MAX_REQUEST_TIMEOUT_MS (${config.maxRequestTimeoutMs})`,
    );
  }
  if (config.pspUrl === undefined && config.pspApiKey.startsWith('sk_live_')) {
    problems.push(
      'KEELSON_PSP_API_KEY: a live key needs KEELSON_PSP_URL; the in-process simulator takes test keys only',
    );
  }
  if (Object.hasOwn(config.rateLimitPlans, 'default')) {
    problems.push(
      "KEELSON_RATE_LIMIT_PLANS: 'default' is the plan of KEELSON_RATE_LIMIT_RATE, _BURST and _CONCURRENCY; give yours another name",
    );
  }
  if (config.httpPort !== 0 && config.httpPort === config.adminPort) {
    problems.push(`KEELSON_ADMIN_PORT: ${config.adminPort} is also KEELSON_HTTP_PORT; the two servers need two ports`);
  }
  if (config.natsUrl !== undefined && config.amqpUrl !== undefined) {
    problems.push('KEELSON_AMQP_URL: set together with KEELSON_NATS_URL; events go to one broker, choose one');
  }
  return problems;
}
