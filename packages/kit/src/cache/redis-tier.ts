import { inClientSpan, redisSpan, type Tracing } from '../telemetry/index.ts';
import type { RedisClient } from './redis-connection.ts';
import type { RemoteTier } from './remote-tier.ts';

export interface RedisTierOptions {
  /** Key prefix, e.g. `keelson:products`. */
  readonly prefix: string;
  /** Every command gives up after this long (the caller then bypasses to its database). Default 250 ms. */
  readonly timeoutMs?: number;
  /** How long a generation outlives the entries tagged with it; above any entry TTL. Default 1 h. */
  readonly generationTtlMs?: number;
  /** A CLIENT span per command made in a trace (`MGET <prefix>`, `EVAL <prefix>`). */
  readonly tracing?: Tracing;
}

// KEYS: epoch, generation, entry. ARGV: tag, value, entry ttl, generation ttl.
// Stores only if the tag is still epoch:generation, and keeps the generation alive longer
// than the entry, so a generation can never expire (and restart at 0) under a live entry.
const fillScript = `
local tag = (redis.call('GET', KEYS[1]) or '0') .. ':' .. (redis.call('GET', KEYS[2]) or '0')
if tag ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[3], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

// KEYS: generation, entry (pairs). ARGV: generation ttl.
const bumpScript = `
for i = 1, #KEYS, 2 do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
  redis.call('DEL', KEYS[i + 1])
end
return 1`;

/**
 * The shared tier on Redis: `<prefix>:e:<key>` holds `<epoch>:<generation>|<value>`,
 * `<prefix>:g:<key>` the key's generation and `<prefix>:epoch` one for all keys. A read is one
 * MGET; a fill and a bump are one script each, so check-and-set is atomic.
 *
 * @example
 * ```ts
 * import { createRedisTier, openRedis } from '@keelson/kit/cache';
 * const tier = createRedisTier(openRedis({ url: 'redis://127.0.0.1:6379' }), { prefix: 'shop:products' });
 * const { value, tag } = await tier.read('ten_1/prod_1');
 * if (value === undefined) await tier.fill('ten_1/prod_1', tag, '{"id":"prod_1"}', 30_000);
 * ```
 */
export function createRedisTier(client: RedisClient, options: RedisTierOptions): RemoteTier {
  const redis = client.withCommandOptions({ timeout: options.timeoutMs ?? 250, rejectInFlight: true });
  const generationTtl = String(options.generationTtlMs ?? 3_600_000);
  const epochKey = `${options.prefix}:epoch`;
  const generationKey = (key: string) => `${options.prefix}:g:${key}`;
  const entryKey = (key: string) => `${options.prefix}:e:${key}`;
  const traced = <T>(command: string, parent: string | undefined, work: () => Promise<T>): Promise<T> => {
    if (parent === undefined || options.tracing?.enabled !== true) return work();
    const { name, attributes } = redisSpan(command, options.prefix);
    return inClientSpan(options.tracing, parent, name, attributes, work);
  };
  return {
    async read(key, traceparent) {
      const [epoch, generation, entry] = await traced('MGET', traceparent, () =>
        redis.mGet([epochKey, generationKey(key), entryKey(key)]),
      );
      const tag = `${epoch ?? '0'}:${generation ?? '0'}`;
      if (entry === null || entry === undefined) return { tag };
      const bar = entry.indexOf('|');
      return entry.slice(0, bar) === tag ? { tag, value: entry.slice(bar + 1) } : { tag };
    },
    async fill(key, tag, value, ttlMs, traceparent) {
      const stored = await traced('EVAL', traceparent, () =>
        redis.eval(fillScript, {
          keys: [epochKey, generationKey(key), entryKey(key)],
          arguments: [tag, value, String(Math.max(1, Math.round(ttlMs))), generationTtl],
        }),
      );
      return stored === 1;
    },
    async bump(keys, traceparent) {
      if (keys.length === 0) return;
      await traced('EVAL', traceparent, () =>
        redis.eval(bumpScript, {
          keys: keys.flatMap((key) => [generationKey(key), entryKey(key)]),
          arguments: [generationTtl],
        }),
      );
    },
    async bumpAll() {
      await redis.incr(epochKey);
    },
  };
}
