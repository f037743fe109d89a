import {
  type Broadcast,
  type Cache,
  createCache,
  createLocalBroadcast,
  createRedisBroadcast,
  createRedisTier,
  openRedis,
} from '@keelson/kit/cache';
import { createContext } from '@keelson/kit/context';
import type { Database } from '@keelson/kit/db';
import type { Closer } from '@keelson/kit/lifecycle';
import type { Tracing } from '@keelson/kit/telemetry';
import type { Logger } from 'pino';
import { createApiKeyCache } from '../adapters/cache/api-key.lru-cache.ts';
import { productCodec } from '../adapters/cache/product.cached-repository.ts';
import { startRevocationPoller } from '../adapters/postgres/key-revocations.pg-poller.ts';
import type { KeyCache } from '../app/ports.ts';
import type { Config } from '../config.ts';
import type { ProductState } from '../domain/product.ts';

/** Revocations reach instances without Redis within this poll plus one query. */
const revocationPollMs = 250;
/** Look-back of each poll: tolerates clocks this far apart and commits this late. */
const revocationWindowMs = 60_000;
const productCacheEntries = 10_000;
const warningIntervalMs = 5_000;

export interface Caching {
  /**
   * Undefined on a PostgreSQL server without Redis (instances could not hear each other's
   * writes) and when KEELSON_CACHE_ENABLED is false.
   */
  readonly products: Cache<ProductState> | undefined;
  readonly keys: KeyCache;
}

/**
 * The caches and how their invalidations travel: Redis pub/sub (and the shared tier) when
 * KEELSON_REDIS_URL is set; otherwise one process's broadcast, with key revocations polled
 * from the database when other instances may share it (KEELSON_DATABASE_URL).
 */
export async function openCaching(
  config: Config,
  db: Database,
  logger: Logger,
  closers: Closer[],
  /** Whether this process authenticates requests (the API role): only then is the key poll worth running. */
  serving: boolean,
  /** Spans for the Redis calls made in a trace (shared tier, invalidation broadcasts). */
  tracing: Tracing,
): Promise<Caching> {
  const log = logger.child({ component: 'cache' });
  // A Redis outage bypasses on every request: one line per interval says so, not one per request.
  let lastWarning = 0;
  let quieted = 0;
  const onProblem = (error: unknown) => {
    if (Date.now() - lastWarning < warningIntervalMs) {
      quieted += 1;
      return;
    }
    log.warn({ err: error, quieted }, 'cache bypassed or invalidation not confirmed');
    lastWarning = Date.now();
    quieted = 0;
  };
  let broadcast: Broadcast;
  let products: Cache<ProductState> | undefined;
  const productOptions = {
    topic: 'products',
    maxEntries: productCacheEntries,
    ttlMs: config.cacheTtlMs,
    codec: productCodec,
  };
  if (config.redisUrl !== undefined) {
    const url = config.redisUrl;
    broadcast = await createRedisBroadcast({
      url,
      channel: `${config.redisPrefix}:invalidations`,
      onProblem: (problem, error) => log.warn({ err: error }, problem),
      tracing,
    });
    closers.push({ name: 'redis-broadcast', close: () => broadcast.close() });
    const client = openRedis({ url, onError: (error) => log.debug({ err: error }, 'redis cache connection error') });
    closers.push({ name: 'redis-cache', close: async () => client.destroy() });
    const remote = createRedisTier(client, { prefix: `${config.redisPrefix}:products`, tracing });
    if (config.cacheEnabled) products = createCache({ ...productOptions, broadcast, remote, onBypass: onProblem });
  } else {
    broadcast = createLocalBroadcast();
    if (config.cacheEnabled && config.databaseUrl === undefined) {
      products = createCache({ ...productOptions, broadcast, onBypass: onProblem });
    }
  }
  const keys = createApiKeyCache(broadcast, onProblem);
  if (serving && config.redisUrl === undefined && config.databaseUrl !== undefined) {
    const stop = startRevocationPoller(db, {
      intervalMs: revocationPollMs,
      windowMs: revocationWindowMs,
      context: () => createContext({ requestId: 'revocation-poll', timeoutMs: revocationPollMs * 4, logger: log }),
      onRevoked: (keyIds) => keys.forget(keyIds),
      onError: (error) => log.warn({ err: error }, 'revocation poll failed; it runs again'),
    });
    closers.push({ name: 'revocation-poller', close: stop });
  }
  return { products, keys };
}
