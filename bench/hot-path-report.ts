import type { LatencySummary } from './percentiles.ts';
import { type RssSoak, rssLines } from './rss-soak.ts';
import type { Counters } from './service-metrics.ts';

/**
 * The parts of a run that issue 9 §6 adds beside the scenario table: whether the warm read was
 * warm (the service's own counters), the rate-limit decision overhead, the RSS soak, and the
 * NestJS peer's build (or why it was skipped).
 */

/** bench/ratelimit-overhead.ts --json: µs per admit + release, sequential. */
export interface RateLimitOverhead {
  readonly calls: number;
  readonly memory: LatencySummary;
  readonly redis?: LatencySummary;
}

/** Issue 9 §6: p50 of one rate-limit decision. */
export const rateLimitTargetsMs = { memory: 0.1, redis: 0.4 } as const;

export interface HotPathResults {
  /** Per GET scenario: what the service counted during its measured windows and warm-ups (all rounds). */
  readonly serviceCounters: Readonly<Record<string, Counters>>;
  readonly rateLimit?: RateLimitOverhead;
  /** Why the Redis side of the rate-limit bench did not run, if it did not. */
  readonly rateLimitRedisSkipped?: string;
  readonly rss?: RssSoak;
  readonly nest: { readonly adapter: string; readonly build: string } | { readonly skipped: string };
  /** Why the warm service has no Redis (its product cache is then off on PostgreSQL), if so. */
  readonly warmWithoutRedis?: string;
}

function countersLine(scenario: string, counters: Counters): string {
  const cells = Object.entries(counters).map(([k, v]) => `${k} ${v}`);
  const hits = (counters['cache local_hit'] ?? 0) + (counters['cache remote_hit'] ?? 0);
  const loads = counters['cache load'] ?? 0;
  const verdict =
    hits + loads === 0
      ? 'no product cache in this service'
      : `product cache hit ${((hits / (hits + loads)) * 100).toFixed(2)}%`;
  const fallback = Object.entries(counters)
    .filter(([k]) => k.endsWith(' by fallback'))
    .reduce((n, [, v]) => n + v, 0);
  // The limiter decides alone for a while after one Redis answer later than its timeout (50 ms by
  // default): on a saturated core the wait includes the event loop's queue, not only Redis.
  const warning =
    fallback > 0 ? `; ⚠ ${fallback} rate-limit decisions by the in-process fallback (the Redis store timed out)` : '';
  return `${scenario}: ${verdict} (${cells.join(', ') || 'no counters moved'})${warning}`;
}

function rateLimitLine(name: 'memory' | 'redis', summary: LatencySummary | undefined, skipped?: string): string {
  const target = rateLimitTargetsMs[name];
  if (summary === undefined) return `rate-limit decision p50, ${name} store: skipped (${skipped ?? 'not run'})`;
  const met = summary.p50Ms < target ? 'met' : 'NOT met';
  return (
    `rate-limit decision p50, ${name} store: ${summary.p50Ms.toFixed(3)} ms (target < ${target} ms: ${met}); ` +
    `p99 ${summary.p99Ms.toFixed(3)} ms, mean ${summary.meanMs.toFixed(3)} ms`
  );
}

export function hotPathLines(results: HotPathResults | undefined): string[] {
  if (results === undefined) return [];
  const lines: string[] = [];
  if (results.warmWithoutRedis !== undefined) {
    lines.push(
      `⚠ the warm service runs WITHOUT Redis (${results.warmWithoutRedis}): it has no product cache, so "warm" is not`,
    );
  }
  for (const [scenario, counters] of Object.entries(results.serviceCounters))
    lines.push(countersLine(scenario, counters));
  if (results.rateLimit !== undefined) {
    lines.push(rateLimitLine('memory', results.rateLimit.memory));
    lines.push(rateLimitLine('redis', results.rateLimit.redis, results.rateLimitRedisSkipped));
  }
  lines.push(...rssLines(results.rss));
  if (results.rss === undefined) lines.push('RSS after 1M requests: not measured (--rss-requests 0; see README)');
  lines.push(
    'skipped' in results.nest
      ? `NestJS peer: skipped (${results.nest.skipped})`
      : `NestJS peer: ${results.nest.adapter} adapter, ${results.nest.build}`,
  );
  return lines;
}
