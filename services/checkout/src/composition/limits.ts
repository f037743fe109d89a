import type { Closer } from '@keelson/kit/lifecycle';
import { type Metrics, registerRateLimitMetrics, registerSheddingMetrics } from '@keelson/kit/metrics';
import {
  checkPolicy,
  createMemoryRateLimitStore,
  createRateLimiter,
  createRedisRateLimitStore,
  type RateLimitPolicy,
} from '@keelson/kit/ratelimit';
import { createEventLoopSignal, createLoadShedder } from '@keelson/kit/shedding';
import type { Tracing } from '@keelson/kit/telemetry';
import type { Logger } from 'pino';
import { createClient } from 'redis';
import type { ApiLimits, RatePlans } from '../adapters/http/limits.http.ts';
import { defaultPlan } from '../app/access/create-api-key.ts';
import type { Config } from '../config.ts';

/** Every Keelson process shares the buckets under this prefix (one Redis may serve other apps). */
const redisPrefix = 'keelson:rl:';

/** Unless KEELSON_SHED_MAX_IN_FLIGHT says otherwise, in-flight requests at capacity per pooled connection. */
const inFlightPerConnection = 8;

/**
 * Below this many requests in flight nothing is shed (ADR 0012). Embedded PGlite runs its queries
 * on the event loop, so a browser's six parallel requests can read as a saturated loop by
 * themselves: they are never refused. On PostgreSQL the loop's utilisation is the service's own
 * work, and a floor of 8 kept it saturated under overload (every refusal waited behind the work it
 * let in: ramp reject p50 4.3–5.7 ms at 8, 1.9–2.0 ms at 2); 2 still never refuses a lone client.
 */
const minInFlight = { embedded: 8, postgres: 2 } as const;

/** The default plan from KEELSON_RATE_LIMIT_RATE/BURST/CONCURRENCY, and the named ones of KEELSON_RATE_LIMIT_PLANS. */
export function ratePlansOf(config: Config, logger: Logger): RatePlans {
  const fallback = checkPolicy({
    name: defaultPlan,
    rate: config.rateLimitRate,
    burst: config.rateLimitBurst,
    concurrency: config.rateLimitConcurrency,
  });
  const named = new Map<string, RateLimitPolicy>(
    Object.entries(config.rateLimitPlans).map(([name, plan]) => [name, checkPolicy({ name, ...plan })]),
  );
  const warned = new Set<string>();
  return {
    policyOf(plan) {
      if (plan === undefined) return fallback;
      const policy = named.get(plan);
      if (policy !== undefined) return policy;
      // A plan removed from the config after keys got it: those keys fall back, said once per plan.
      if (!warned.has(plan)) {
        warned.add(plan);
        logger.warn({ plan }, 'API keys name a rate-limit plan that is not configured; they get the default plan');
      }
      return fallback;
    },
  };
}

/**
 * The API's limits: a limiter over Redis when KEELSON_REDIS_URL is set and
 * KEELSON_RATE_LIMIT_STORE is `shared` (failing open to a per-process limiter within
 * KEELSON_RATE_LIMIT_REDIS_TIMEOUT_MS), in memory otherwise; the load shedder unless disabled. Their metrics go on `metrics`; what they open goes on `closers`.
 */
export function openApiLimits(
  config: Config,
  /** `tracing`: spans for the shared store's calls made in a request's trace. */
  deps: { logger: Logger; metrics: Metrics; closers: Closer[]; tracing: Tracing },
): ApiLimits {
  const { logger, metrics, closers } = deps;
  const limiter = createRateLimiter(
    config.redisUrl === undefined || config.rateLimitStore === 'local'
      ? { store: createMemoryRateLimitStore() }
      : {
          store: createRedisRateLimitStore({
            client: openRedis(config.redisUrl, logger, closers),
            prefix: redisPrefix,
            tracing: deps.tracing,
          }),
          fallback: createMemoryRateLimitStore(),
          timeoutMs: config.rateLimitRedisTimeoutMs,
          onStoreStateChange: ({ degraded, error }) => {
            if (degraded)
              logger.warn({ err: error }, 'Redis unreachable: rate limits are enforced per process until it answers');
            else logger.info('Redis answers again: rate limits are shared');
          },
        },
  );
  registerRateLimitMetrics(metrics, limiter);
  let shedder: ApiLimits['shedder'];
  if (config.shedEnabled) {
    const signal = createEventLoopSignal({
      targetUtilization: config.shedTargetUtilization,
      maxDelayMs: config.shedMaxEventLoopDelayMs,
    });
    // Little's law: at capacity about a pool's worth of requests hold connections; eight pools'
    // worth in flight is a queue of ~8 query times, well inside the request deadline (ADR 0012).
    const maxInFlight = config.shedMaxInFlight ?? inFlightPerConnection * config.databasePoolMax;
    shedder = createLoadShedder({
      signal: signal.read,
      maxInFlight,
      minInFlight: config.databaseUrl === undefined ? minInFlight.embedded : minInFlight.postgres,
    });
    const stop = shedder.start();
    closers.push({
      name: 'load-shedder',
      close: async () => {
        stop();
        signal.close();
      },
    });
    registerSheddingMetrics(metrics, shedder);
  }
  return { limiter, plans: ratePlansOf(config, logger), shedder };
}

/**
 * A client that never queues a command while disconnected (the limiter answers locally instead)
 * and reconnects within a second, so shared limits return soon after Redis does. It connects in
 * the background: a Redis that is down at start-up only means limits per process until it is up.
 */
function openRedis(url: string, logger: Logger, closers: Closer[]) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 1_000) },
  });
  // Every failed reconnect emits one; the limiter logs the outage once, so these stay at debug.
  client.on('error', (error: unknown) => logger.debug({ err: error }, 'Redis connection error'));
  client.connect().catch((error: unknown) => logger.warn({ err: error }, 'Redis connection failed'));
  closers.push({ name: 'redis', close: async () => client.destroy() });
  return client;
}
