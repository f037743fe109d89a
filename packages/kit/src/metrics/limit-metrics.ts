import { Counter, Gauge } from 'prom-client';
import type { RateLimiter } from '../ratelimit/index.ts';
import type { LoadShedder } from '../shedding/index.ts';
import type { Metrics } from './create-metrics.ts';

/**
 * A counter read from a by-key record at scrape time (nothing on the hot path): each scrape adds
 * what happened since the last. `split` turns a record key into labels.
 */
function scrapedCounter(
  metrics: Metrics,
  spec: { name: string; help: string; labelNames: string[] },
  read: () => Readonly<Record<string, number>>,
  split: (key: string) => Record<string, string>,
): void {
  const reported = new Map<string, number>();
  new Counter({
    name: `${metrics.prefix}${spec.name}`,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [metrics.registry],
    collect() {
      for (const [key, value] of Object.entries(read())) {
        this.inc(split(key), value - (reported.get(key) ?? 0));
        reported.set(key, value);
      }
    },
  });
}

/**
 * Exposes a rate limiter:
 * - `rate_limit_decisions_total{outcome, source}`: `allowed`, `rate_limited` or
 *   `concurrency_limited`, decided by the configured `store` or the per-process `fallback`;
 * - `rate_limit_store_failures_total`: shared-store calls that failed or timed out;
 * - `rate_limit_store_degraded`: 1 while the limiter bypasses the shared store.
 *
 * @example
 * ```ts
 * import { createMetrics, registerRateLimitMetrics } from '@keelson/kit/metrics';
 * import { createMemoryRateLimitStore, createRateLimiter } from '@keelson/kit/ratelimit';
 * registerRateLimitMetrics(createMetrics(), createRateLimiter({ store: createMemoryRateLimitStore() }));
 * ```
 */
export function registerRateLimitMetrics(metrics: Metrics, limiter: Pick<RateLimiter, 'stats'>): void {
  scrapedCounter(
    metrics,
    {
      name: 'rate_limit_decisions_total',
      help: 'Rate-limit decisions by outcome and by the store that made them.',
      labelNames: ['outcome', 'source'],
    },
    () => limiter.stats().decisions,
    (key) => {
      const [outcome = '', source = ''] = key.split(':');
      return { outcome, source };
    },
  );
  scrapedCounter(
    metrics,
    {
      name: 'rate_limit_store_failures_total',
      help: 'Shared rate-limit store calls that failed or timed out (answered by the local limiter).',
      labelNames: [],
    },
    () => ({ all: limiter.stats().storeFailures }),
    () => ({}),
  );
  new Gauge({
    name: `${metrics.prefix}rate_limit_store_degraded`,
    help: '1 while rate limits are decided per process because the shared store is unreachable.',
    registers: [metrics.registry],
    collect() {
      this.set(limiter.stats().degraded ? 1 : 0);
    },
  });
}

/**
 * Exposes a load shedder: `load_shed_decisions_total{priority, outcome}` (`admitted` or `shed`),
 * `load_shed_depth` (0 admits all; 1.5 sheds every list and half the reads; 4 sheds every class),
 * `load_shed_level` (⌈depth⌉: classes refused in full or in part), `load_shed_pressure` (the
 * smoothed signal, 1 = the target load) and `load_shed_in_flight` (admitted requests not yet answered).
 *
 * @example
 * ```ts
 * import { createMetrics, registerSheddingMetrics } from '@keelson/kit/metrics';
 * import { createLoadShedder } from '@keelson/kit/shedding';
 * registerSheddingMetrics(createMetrics(), createLoadShedder({ signal: () => 0 }));
 * ```
 */
export function registerSheddingMetrics(metrics: Metrics, shedder: Pick<LoadShedder, 'stats'>): void {
  scrapedCounter(
    metrics,
    {
      name: 'load_shed_decisions_total',
      help: 'Load-shedding decisions by request priority and outcome.',
      labelNames: ['priority', 'outcome'],
    },
    () => shedder.stats().decisions,
    (key) => {
      const [priority = '', outcome = ''] = key.split(':');
      return { priority, outcome };
    },
  );
  new Gauge({
    name: `${metrics.prefix}load_shed_depth`,
    help: 'Load-shedding depth: classes below it (bulk, read, write, critical) refused, the next in its fractional part.',
    registers: [metrics.registry],
    collect() {
      this.set(shedder.stats().depth);
    },
  });
  new Gauge({
    name: `${metrics.prefix}load_shed_level`,
    help: 'Load-shedding level, the depth rounded up: classes refused in full or in part (1 bulk, 2 also reads, 3 also writes, 4 everything).',
    registers: [metrics.registry],
    collect() {
      this.set(shedder.stats().level);
    },
  });
  new Gauge({
    name: `${metrics.prefix}load_shed_pressure`,
    help: 'Smoothed overload signal the shedder holds at 1 (the target load).',
    registers: [metrics.registry],
    collect() {
      this.set(shedder.stats().pressure);
    },
  });
  new Gauge({
    name: `${metrics.prefix}load_shed_in_flight`,
    help: 'Requests the load shedder admitted that have not been answered yet.',
    registers: [metrics.registry],
    collect() {
      this.set(shedder.stats().inFlight);
    },
  });
}
