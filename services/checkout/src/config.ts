import { type ConfigOf, configField } from '@keelson/kit/config';
import { z } from 'zod';
import { cacheConfig } from './config-cache.ts';
import { ms, port } from './config-fields.ts';
import { limitConfig } from './config-limits.ts';
import { webhookConfig } from './config-webhooks.ts';
import { workerConfig } from './config-workers.ts';

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
  ...workerConfig,
  ...cacheConfig,
  ...webhookConfig,
  ...limitConfig,
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
