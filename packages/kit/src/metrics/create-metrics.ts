import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { registerEventLoopUtilization } from './event-loop-utilization.ts';

/** Metric naming and bucketing; the defaults suit an HTTP API. */
export interface MetricsOptions {
  /** Prepended to every metric name, e.g. `checkout_`. Empty by default. */
  readonly prefix?: string;
  /** Histogram buckets in seconds; Prometheus' defaults (5 ms … 10 s) when omitted. */
  readonly durationBuckets?: readonly number[];
  /**
   * Keep a `trace_id` exemplar per bucket of the HTTP duration histogram (served in the
   * OpenMetrics format only). Turn on only with tracing: the exemplar-capable `observe`
   * costs a little more per request, so without tracing it stays prom-client's plain one.
   */
  readonly exemplars?: boolean;
}

/** The labels every HTTP observation carries; `route` is a pattern, never a raw URL. */
export type HttpLabel = 'method' | 'route' | 'status';

/** One registry per process (or per test) and the RED metrics the HTTP chassis records. */
export interface Metrics {
  readonly registry: Registry;
  readonly prefix: string;
  readonly httpRequestDuration: Histogram<HttpLabel>;
  readonly httpRequestsInFlight: Gauge;
  /** Whether `httpRequestDuration` takes exemplars: call it as `observe({ labels, value, exemplarLabels })`. */
  readonly exemplars: boolean;
}

/**
 * Creates a registry with HTTP request metrics, Node's default process metrics
 * (CPU, memory, GC, event-loop delay) and event-loop utilisation. Nothing is global: two calls give two
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
  registerEventLoopUtilization(registry, prefix);
  const exemplars = options.exemplars === true;
  const httpRequestDuration = new Histogram<HttpLabel>({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request duration from routing to the last byte, by route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    ...(options.durationBuckets === undefined ? {} : { buckets: [...options.durationBuckets] }),
    enableExemplars: exemplars,
    // prom-client refuses exemplars on a registry of the text format, although it only leaves them
    // out of that format's output: registered by hand, the OpenMetrics scrape (exposition.ts) shows them.
    registers: [],
  });
  registry.registerMetric(httpRequestDuration);
  const httpRequestsInFlight = new Gauge({
    name: `${prefix}http_requests_in_flight`,
    help: 'HTTP requests received and not yet answered or abandoned.',
    registers: [registry],
  });
  return { registry, prefix, httpRequestDuration, httpRequestsInFlight, exemplars };
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
