import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createClient } from 'redis';
import type { BenchArgs } from './args.ts';
import { createBenchDatabase } from './bench-database.ts';
import { provisionAccess, type RunningService, type ServiceEnv, startService } from './checkout-service.ts';
import { onCleanup } from './cleanup.ts';
import { reachable } from './event-benches.ts';
import type { FastifySqlSpec } from './fastify-sql.ts';
import { freePort } from './free-port.ts';
import type { HotPathResults, RateLimitOverhead } from './hot-path-report.ts';
import { insertProduct, prepareNestPeer, type RunningNest, startNestPeer } from './nest-peer.ts';
import { type PinnedChild, runPinnedForJson, spawnPinned } from './pinned-process.ts';
import { waitUntilReady } from './wait-ready.ts';

/*
 * The servers issue 9 §6 adds beside the service that takes orders and payments (bench/run.ts):
 *   - the warm service: the same service with its product cache on. On a PostgreSQL server the
 *     product cache needs Redis (composition/caching.ts: without it instances could not hear each
 *     other's writes), so this one runs with KEELSON_REDIS_URL under a prefix of its own, and with
 *     KEELSON_RATE_LIMIT_STORE=local: its rate limits stay in memory, as the issue's lean prototype
 *     had them (a token bucket in a Map); the Redis limiter's own cost is the rate-limit bench's;
 *   - bench/fastify-sql.ts, the fair baseline of the cold read;
 *   - the NestJS peer against its own throwaway database (or why it was skipped).
 * All pinned to the server core with the rest; only one is under load at any time.
 */

export interface HotPathServers {
  readonly warm: RunningService;
  /** The read product's ETag as the warm service serves it (its cache filled by that read). */
  readonly etag: string;
  readonly sqlUrl: string;
  readonly nest?: { readonly url: string; readonly token: string; readonly productId: string };
  readonly redisReachable: boolean;
  readonly nestInfo: HotPathResults['nest'];
  readonly warmWithoutRedis?: string;
  /** Dies during the run = the run fails. */
  running(): string | undefined;
  stop(): Promise<void>;
}

async function fetchEtag(baseUrl: string, token: string, productId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/products/${productId}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  const etag = response.headers.get('etag');
  if (response.status !== 200 || etag === null)
    throw new Error(`GET product answered ${response.status}, ETag ${etag}`);
  return etag;
}

/** Deletes the warm service's cache keys (its own prefix) when the run ends. */
function cleanRedisPrefix(url: string, prefix: string): void {
  onCleanup(`delete Redis keys ${prefix}*`, async () => {
    const client = createClient({ url });
    await client.connect();
    try {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        if (keys.length > 0) await client.del(keys);
      }
    } finally {
      client.destroy();
    }
  });
}

/**
 * What makes a service warm on PostgreSQL: Redis for the product cache, under a prefix of its own
 * (deleted at exit), and rate limits in memory. Undefined when Redis is not reachable.
 */
export async function warmServiceEnv(redisUrl: string): Promise<NodeJS.ProcessEnv | undefined> {
  if (!(await reachable(redisUrl, 6379))) return undefined;
  const prefix = `keelson-bench-${randomBytes(4).toString('hex')}`;
  cleanRedisPrefix(redisUrl, prefix);
  return { KEELSON_REDIS_URL: redisUrl, KEELSON_REDIS_PREFIX: prefix, KEELSON_RATE_LIMIT_STORE: 'local' };
}

export async function startHotPathServers(options: {
  readonly args: BenchArgs;
  readonly benchDir: string;
  readonly repoRoot: string;
  readonly env: ServiceEnv;
  readonly core: number | undefined;
  /** Environment every service instance gets (the simulator's URL). */
  readonly serviceEnv: NodeJS.ProcessEnv;
  readonly tenantId: string;
  readonly token: string;
  readonly readProductId: string;
  /** Stock of the peer's product, as the service's products have. */
  readonly productStock: number;
  readonly log: (message: string) => void;
}): Promise<HotPathServers> {
  const { args, core, log } = options;
  const warmEnv = await warmServiceEnv(args.redisUrl);
  const redisReachable = warmEnv !== undefined;
  const warm = await startService(options.env, {
    name: 'warm',
    core,
    poolMax: args.pool,
    logLevel: args.logLevel,
    env: {
      ...options.serviceEnv,
      ...warmEnv,
    },
  });
  log(`warm service ready at ${warm.baseUrl} (${redisReachable ? `Redis ${args.redisUrl}` : 'NO Redis'})`);
  const etag = await fetchEtag(warm.baseUrl, options.token, options.readProductId);

  const sqlPort = await freePort();
  const sqlSpec: FastifySqlSpec = {
    port: sqlPort,
    databaseUrl: options.env.databaseUrl,
    tenantId: options.tenantId,
    poolMax: args.pool,
  };
  const sql = spawnPinned({
    name: 'bare Fastify + pg',
    core,
    args: [join(options.benchDir, 'fastify-sql.ts'), JSON.stringify(sqlSpec)],
    cwd: options.repoRoot,
    output: 'ignore',
  });
  const sqlUrl = `http://127.0.0.1:${sqlPort}`;
  await waitUntilReady([`${sqlUrl}/v1/products/${options.readProductId}`], sql, 30_000);

  let nest: RunningNest | undefined;
  let nestTarget: HotPathServers['nest'];
  let nestInfo: HotPathResults['nest'] = { skipped: '--skip-nest' };
  if (!args.skipNest) {
    const build = await prepareNestPeer(args.nestDir, log);
    if ('skipped' in build) {
      nestInfo = build;
      log(`NestJS peer skipped: ${build.skipped}`);
    } else {
      // Its own database, migrated and provisioned by Keelson's CLI (the peer runs on Keelson's schema).
      const db = await createBenchDatabase(args.databaseUrl);
      const nestEnv = { ...options.env, databaseUrl: db.url };
      const access = await provisionAccess(nestEnv);
      const productId = await insertProduct(db.url, access.tenantId, options.productStock);
      nest = await startNestPeer({
        dir: build.dir,
        core,
        databaseUrl: db.url,
        poolMax: args.pool,
        adapter: args.nestAdapter,
        logLevel: args.logLevel,
        logFile: join(options.env.dataDir, 'nest.log'),
      });
      nestTarget = { url: nest.baseUrl, token: access.token, productId };
      nestInfo = {
        adapter: args.nestAdapter,
        build: `${build.cached ? 'cached build' : 'built now'} in ${build.dir}, database ${db.name}, pool ${args.pool}`,
      };
      log(`NestJS peer ready at ${nest.baseUrl} (${nestInfo.build})`);
    }
  }
  const children: PinnedChild[] = [warm.child, sql, ...(nest === undefined ? [] : [nest.child])];
  return {
    warm,
    etag,
    sqlUrl,
    ...(nestTarget === undefined ? {} : { nest: nestTarget }),
    redisReachable,
    nestInfo,
    ...(redisReachable ? {} : { warmWithoutRedis: `${args.redisUrl} not reachable` }),
    running: () => children.find((c) => !c.isRunning())?.name,
    async stop() {
      for (const child of [...children].reverse()) await child.stop(15_000);
    },
  };
}

/** What the report's settings say about the servers above. */
export function hotPathSettings(args: BenchArgs, hot: HotPathServers): Record<string, string> {
  return {
    'warm service':
      (hot.redisReachable
        ? `KEELSON_REDIS_URL=${args.redisUrl} (own KEELSON_REDIS_PREFIX): product cache = in-process LRU + Redis tier, KEELSON_RATE_LIMIT_STORE=local (rate limits in memory)`
        : `NO Redis (${args.redisUrl} not reachable): no product cache on PostgreSQL, rate limits in memory`) +
      '; the read product is never ordered, so its cached copy stays valid; one API key, cached after its first request',
    'revalidation scenario': `the warm GET with If-None-Match: ${hot.etag} (the current ETag): every clean answer is 304`,
    'cold service':
      'KEELSON_CACHE_ENABLED=false, no Redis: every product read is one SELECT; the API-key cache stays (warm); rate limits in memory. The same instance takes orders and payments',
    'cold baseline':
      'bench/fastify-sql.ts: bare Fastify, a pg pool of the same size, the adapter’s own product SELECT (selectProductSql), statement_timeout set once per connection as the kit does',
    'NestJS peer':
      'skipped' in hot.nestInfo
        ? `skipped: ${hot.nestInfo.skipped}`
        : `${hot.nestInfo.adapter} adapter, ${hot.nestInfo.build}; no cache: every GET reads the key and the product`,
  };
}

function asRateLimit(value: unknown): RateLimitOverhead {
  if (typeof value !== 'object' || value === null || !('memory' in value) || !('calls' in value)) {
    throw new Error(`ratelimit-overhead.ts printed an unexpected result: ${JSON.stringify(value)}`);
  }
  // Checked for its fields above; written by bench/ratelimit-overhead.ts --json.
  return value as RateLimitOverhead;
}

/** bench/ratelimit-overhead.ts --json on the (idle) server core, with Redis when reachable. */
export async function measureRateLimit(options: {
  readonly benchDir: string;
  readonly repoRoot: string;
  readonly core: number | undefined;
  readonly redisUrl: string | undefined;
}): Promise<RateLimitOverhead> {
  return asRateLimit(
    await runPinnedForJson({
      name: 'rate-limit overhead',
      core: options.core,
      args: [
        join(options.benchDir, 'ratelimit-overhead.ts'),
        '--json',
        ...(options.redisUrl === undefined ? [] : ['--redis', options.redisUrl]),
      ],
      cwd: options.repoRoot,
      timeoutMs: 180_000,
    }),
  );
}
