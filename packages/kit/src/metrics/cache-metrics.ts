import { Counter } from 'prom-client';
import type { CacheStats } from '../cache/index.ts';
import type { Metrics } from './create-metrics.ts';

interface CacheSource {
  stats(): CacheStats;
}

const sourcesByMetrics = new WeakMap<Metrics, Map<string, CacheSource>>();

/**
 * Exposes caches, read from their counters at scrape time (nothing on the hot path):
 * - `cache_requests_total{cache, result}`: `local_hit`, `remote_hit` or `load` (a database read);
 * - `cache_bypasses_total{cache}`: a tier failed and was gone around, or an invalidation was
 *   not confirmed by every instance.
 *
 * @example
 * ```ts
 * import { createCache, createLocalBroadcast } from '@keelson/kit/cache';
 * import { createMetrics, registerCacheMetrics } from '@keelson/kit/metrics';
 * const cache = createCache<string>({ topic: 't', maxEntries: 10, ttlMs: 1_000, broadcast: createLocalBroadcast() });
 * registerCacheMetrics(createMetrics(), 'products', cache);
 * ```
 */
export function registerCacheMetrics(metrics: Metrics, name: string, cache: CacheSource): void {
  let sources = sourcesByMetrics.get(metrics);
  if (sources === undefined) {
    sources = new Map();
    sourcesByMetrics.set(metrics, sources);
    createCacheMetrics(metrics, sources);
  }
  if (sources.has(name)) throw new Error(`Cache metrics for "${name}" are already registered.`);
  sources.set(name, cache);
}

function createCacheMetrics(metrics: Metrics, sources: Map<string, CacheSource>): void {
  const reported = new Map<string, number>();
  // A counter only goes up: each scrape adds what happened since the last one.
  const add = (counter: Counter, labels: Record<string, string>, id: string, value: number) => {
    counter.inc(labels, value - (reported.get(id) ?? 0));
    reported.set(id, value);
  };
  new Counter({
    name: `${metrics.prefix}cache_requests_total`,
    help: 'Cache reads by result: local_hit, remote_hit, or load (the source was read).',
    labelNames: ['cache', 'result'],
    registers: [metrics.registry],
    collect() {
      for (const [cache, source] of sources) {
        const stats = source.stats();
        add(this, { cache, result: 'local_hit' }, `${cache}/local`, stats.localHits);
        add(this, { cache, result: 'remote_hit' }, `${cache}/remote`, stats.remoteHits);
        add(this, { cache, result: 'load' }, `${cache}/load`, stats.loads);
      }
    },
  });
  new Counter({
    name: `${metrics.prefix}cache_bypasses_total`,
    help: 'Cache tiers gone around after a failure, and invalidations not confirmed by every instance.',
    labelNames: ['cache'],
    registers: [metrics.registry],
    collect() {
      for (const [cache, source] of sources) add(this, { cache }, `${cache}/bypass`, source.stats().bypasses);
    },
  });
}
