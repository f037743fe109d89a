import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Metric naming and bucketing; the defaults suit an HTTP API. */
export interface MetricsOptions {
  /** Prepended to every metric name, e.g. `checkout_`. Empty by default. */
  readonly prefix?: string;
  /** Histogram buckets in seconds; Prometheus' defaults (5 ms … 10 s) when omitted. */
  readonly durationBuckets?: readonly number[];
}

/** The labels every HTTP observation carries; `route` is a pattern, never a raw URL. */
export type HttpLabel = 'method' | 'route' | 'status';

/** One registry per process (or per test) and the RED metrics the HTTP chassis records. */
export interface Metrics {
  readonly registry: Registry;
  readonly prefix: string;
  readonly httpRequestDuration: Histogram<HttpLabel>;
  readonly httpRequestsInFlight: Gauge;
}

/**
 * Creates a registry with HTTP request metrics and Node's default process metrics
 * (CPU, memory, GC, event-loop delay). Nothing is global: two calls give two
 * independent registries, so tests can run side by side.
 *
 * @example
 * ```ts
 * import { createMetrics } from '@keelson/kit/metrics';
 * const metrics = createMetrics({ prefix: 'checkout_' });
 * metrics.httpRequestDuration.observe({ method: 'GET', route: '/orders/:id', status: '200' }, 0.012);
 * const text: string = await metrics.registry.metrics();
 * ```
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const prefix = options.prefix ?? '';
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  dropMisnamedGauges(registry, prefix);
  const httpRequestDuration = new Histogram<HttpLabel>({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request duration from routing to the last byte, by route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    ...(options.durationBuckets === undefined ? {} : { buckets: [...options.durationBuckets] }),
    registers: [registry],
  });
  const httpRequestsInFlight = new Gauge({
    name: `${prefix}http_requests_in_flight`,
    help: 'HTTP requests received and not yet answered or abandoned.',
    registers: [registry],
  });
  return { registry, prefix, httpRequestDuration, httpRequestsInFlight };
}

/**
 * prom-client's defaults include these gauges. Only counters may end in `_total`
 * (`promtool check metrics` rejects the rest), and each is the sum of a per-type gauge kept
 * beside it (`nodejs_active_handles{type}`), so nothing is lost: `sum()` that one instead.
 * A test fails if a prom-client upgrade brings another such name.
 */
const misnamedDefaultGauges = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

function dropMisnamedGauges(registry: Registry, prefix: string): void {
  for (const name of misnamedDefaultGauges) registry.removeSingleMetric(`${prefix}${name}`);
}
