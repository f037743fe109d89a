import { createHash } from 'node:crypto';
import { inClientSpan, redisSpan, type Tracing } from '../telemetry/index.ts';
import type { AdmitRequest, AdmitResult, RateLimitStore } from './rate-limit-store.ts';

/**
 * One atomic decision: the GCRA step of gcra.ts, then the concurrency slots (a sorted set of
 * lease ids scored by expiry, as Stripe's concurrent-request limiter keeps them). Nothing is
 * written unless both pass. Times come from the caller so one injected clock drives every store;
 * the arrival time is stored with microsecond precision so fractional intervals do not drift.
 * Returns {kind, remaining, resetMs, retryAfterMs | inFlight}: 1 allowed, 0 rate, 2 concurrency.
 */
const admitScript = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local limit = tonumber(ARGV[5])
local leaseMs = tonumber(ARGV[7])
local eps = 1e-6
local capacity = burst * interval
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local nxt = tat + cost * interval
if nxt - now > capacity + eps then
  local remaining = math.max(0, math.floor((capacity - (tat - now)) / interval + eps))
  return {0, remaining, math.ceil(tat - now), math.ceil(nxt - now - capacity)}
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local held = redis.call('ZCARD', KEYS[2])
if held >= limit then
  return {2, math.floor((capacity - (tat - now)) / interval + eps), math.ceil(tat - now), held}
end
redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[6])
if redis.call('PTTL', KEYS[2]) < leaseMs then redis.call('PEXPIRE', KEYS[2], leaseMs) end
redis.call('SET', KEYS[1], string.format('%.3f', nxt), 'PX', math.ceil(nxt - now) + 1)
return {1, math.floor((capacity - (nxt - now)) / interval + eps), math.ceil(nxt - now), 0}
`;
const admitSha = createHash('sha1').update(admitScript).digest('hex');

/**
 * The part of a node-redis client the store uses (`createClient()` from `redis` fits), so the
 * kit does not pin the client's module types.
 */
export interface RedisCommandClient {
  sendCommand<T = unknown>(args: readonly string[]): Promise<T>;
}

/** Settings of {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  readonly client: RedisCommandClient;
  /** Prepended to every key, e.g. `keelson:rl:`; tests use a unique one. */
  readonly prefix: string;
  /** A CLIENT span per command made in a trace (`EVALSHA <prefix>`, `ZREM <prefix>`). */
  readonly tracing?: Tracing;
}

/**
 * Buckets and slots in Redis, shared by every process that uses the same prefix. One `EVALSHA`
 * per admission (falling back to `EVAL` once when Redis has not cached the script), one `ZREM`
 * per release. Both keys of a subject share a hash tag, so the script also runs on a cluster.
 * Give the client a short command timeout or wrap the store in the limiter's fail-open timeout:
 * this store waits as long as its client does.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisRateLimitStore } from '@keelson/kit/ratelimit';
 * const client = createClient({ url: 'redis://127.0.0.1:6379' });
 * await client.connect();
 * const store = createRedisRateLimitStore({ client, prefix: 'keelson:rl:' });
 * ```
 */
export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { client, prefix } = options;
  const keysOf = (key: string): [string, string] => [`${prefix}{${key}}:tb`, `${prefix}{${key}}:cc`];

  const traced = <T>(command: string, parent: string | undefined, work: () => Promise<T>): Promise<T> => {
    if (parent === undefined || options.tracing?.enabled !== true) return work();
    const { name, attributes } = redisSpan(command, prefix);
    return inClientSpan(options.tracing, parent, name, attributes, work);
  };

  async function run(args: readonly string[]): Promise<number[]> {
    try {
      return await client.sendCommand<number[]>(['EVALSHA', admitSha, ...args]);
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return client.sendCommand<number[]>(['EVAL', admitScript, ...args]);
    }
  }

  return {
    async admit(request: AdmitRequest): Promise<AdmitResult> {
      const { policy } = request;
      const [kind, remaining = 0, resetMs = 0, extra = 0] = await traced('EVALSHA', request.traceparent, () =>
        run([
          '2',
          ...keysOf(request.key),
          String(request.now),
          String(1_000 / policy.rate),
          String(policy.burst),
          String(request.cost),
          String(policy.concurrency),
          request.leaseId,
          String(Math.ceil(request.leaseMs)),
        ]),
      );
      const state = { remaining, resetMs };
      if (kind === 1) return { kind: 'allowed', ...state };
      if (kind === 2) return { kind: 'concurrency_limited', inFlight: extra, ...state };
      return { kind: 'rate_limited', retryAfterMs: extra, ...state };
    },
    async release(key, leaseId, traceparent) {
      await traced('ZREM', traceparent, () => client.sendCommand(['ZREM', keysOf(key)[1], leaseId]));
    },
  };
}
