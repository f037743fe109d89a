import { LRUCache } from 'lru-cache';
import type { Broadcast, BroadcastMessage } from './broadcast.ts';
import type { RemoteTier } from './remote-tier.ts';
import { SingleFlight } from './single-flight.ts';

export interface CacheOptions<T> {
  /** Names this cache's keys in broadcasts; instances of one cache share it. */
  readonly topic: string;
  /** Bound of the in-process LRU. */
  readonly maxEntries: number;
  /** Lifetime of an entry in either tier, before jitter. */
  readonly ttlMs: number;
  /** Each entry lives `ttlMs × (1 − jitter × random)`, so entries filled together expire apart. Default 0.1. */
  readonly jitter?: number;
  /** How invalidations reach every instance (the local broadcast in a single process). */
  readonly broadcast: Broadcast;
  /** The shared tier (Redis); absent, only the in-process LRU caches. */
  readonly remote?: RemoteTier;
  /** How values are stored in the shared tier. Default JSON. */
  readonly codec?: { encode(value: T): string; decode(text: string): T };
  /** A tier failed and the read or write went around it: for a log line or a metric. */
  readonly onBypass?: (error: unknown) => void;
}

export interface CacheStats {
  readonly localHits: number;
  readonly remoteHits: number;
  readonly loads: number;
  readonly bypasses: number;
}

export interface Cache<T> {
  /**
   * The cached value, or `load()`'s (once per key however many callers wait: single-flight).
   * `undefined` (not found) is never cached. A failing tier is bypassed, never an error.
   */
  get(key: string, load: () => Promise<T | undefined>, traceparent?: string): Promise<T | undefined>;
  /**
   * Call after the write committed and before answering: drops the keys here, moves their
   * generation in the shared tier and waits until every listening instance dropped them.
   */
  invalidate(keys: readonly string[], traceparent?: string): Promise<void>;
  stats(): CacheStats;
}

/**
 * A two-tier read-through cache: an in-process LRU in front of an optional shared tier, with
 * single-flight loads, TTL jitter and versioned invalidation broadcast to every instance.
 * The LRU serves only while the broadcast is healthy (an instance that cannot hear
 * invalidations must not trust its copies); a shared tier that fails is read around.
 *
 * @example
 * ```ts
 * import { createCache, createLocalBroadcast } from '@keelson/kit/cache';
 * const products = createCache<{ id: string; version: number }>({
 *   topic: 'products', maxEntries: 10_000, ttlMs: 30_000, broadcast: createLocalBroadcast(),
 * });
 * const product = await products.get('ten_1/prod_1', async () => ({ id: 'prod_1', version: 1 }));
 * await products.invalidate(['ten_1/prod_1']);
 * ```
 */
export function createCache<T extends NonNullable<unknown>>(options: CacheOptions<T>): Cache<T> {
  const { broadcast, remote } = options;
  const jitter = options.jitter ?? 0.1;
  const codec = options.codec ?? {
    encode: (value: T) => JSON.stringify(value),
    decode: (text) => JSON.parse(text) as T,
  };
  const local = new LRUCache<string, T>({ max: options.maxEntries, ttl: options.ttlMs });
  const flights = new SingleFlight<T | undefined>();
  const counts = { localHits: 0, remoteHits: 0, loads: 0, bypasses: 0 };
  // Set when an invalidation could not reach the shared tier or the other instances: the next
  // reconnection then moves every generation and flushes every instance.
  let owed = false;
  const ttl = () => options.ttlMs * (1 - jitter * Math.random());
  const bypassed = (error: unknown) => {
    counts.bypasses += 1;
    options.onBypass?.(error);
  };

  const drop = (keys: readonly string[]) => {
    for (const key of keys) {
      local.delete(key);
      flights.forget(key);
    }
  };
  broadcast.subscribe((message: BroadcastMessage) => {
    if (message.kind === 'invalidate') {
      if (message.topic === options.topic) drop(message.keys);
      return;
    }
    local.clear();
    flights.forgetAll();
    if (owed) settleOwed();
  });
  const settleOwed = () => {
    owed = false;
    Promise.resolve(remote?.bumpAll())
      .then(() => broadcast.publish({ kind: 'flush' }))
      .catch((error: unknown) => {
        owed = true;
        bypassed(error);
      });
  };

  async function loadThrough(
    key: string,
    load: () => Promise<T | undefined>,
    fresh: () => boolean,
    traceparent: string | undefined,
  ) {
    let tag: string | undefined;
    if (remote !== undefined) {
      try {
        const entry = await remote.read(key, traceparent);
        if (entry.value !== undefined) {
          counts.remoteHits += 1;
          const value = codec.decode(entry.value);
          if (fresh() && broadcast.healthy()) local.set(key, value, { ttl: ttl() });
          return value;
        }
        tag = entry.tag;
      } catch (error) {
        bypassed(error);
      }
    }
    counts.loads += 1;
    const value = await load();
    if (value === undefined) return undefined;
    if (tag !== undefined) remote?.fill(key, tag, codec.encode(value), ttl(), traceparent).catch(bypassed);
    if (fresh() && broadcast.healthy()) local.set(key, value, { ttl: ttl() });
    return value;
  }

  return {
    get(key, load, traceparent) {
      if (broadcast.healthy()) {
        const hit = local.get(key);
        if (hit !== undefined) {
          counts.localHits += 1;
          return Promise.resolve(hit);
        }
      }
      // Single-flight: the shared tier's calls are spans of the first caller's trace only.
      return flights.run(key, (fresh) => loadThrough(key, load, fresh, traceparent));
    },
    async invalidate(keys, traceparent) {
      if (keys.length === 0) return;
      drop(keys);
      try {
        await remote?.bump(keys, traceparent);
        const outcome = await broadcast.publish({ kind: 'invalidate', topic: options.topic, keys }, traceparent);
        if (!outcome.acknowledged)
          bypassed(new Error(`invalidation of ${options.topic} not acknowledged by every instance`));
      } catch (error) {
        owed = true;
        bypassed(error);
      }
    },
    stats: () => ({ ...counts }),
  };
}
