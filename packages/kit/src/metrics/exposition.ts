import { type Metric, type MetricObject, type OpenMetricsContentType, Registry } from 'prom-client';

/** A scrape's answer: the body and its content type. */
export interface Exposition {
  readonly contentType: string;
  readonly body: string;
}

/**
 * The scrape in the format the scraper asked for: OpenMetrics (which carries exemplars) when its
 * `Accept` names `application/openmetrics-text` (Prometheus does so first), the Prometheus text
 * format otherwise. Both read the same metric objects.
 *
 * @example
 * ```ts
 * import { createMetrics, expose } from '@keelson/kit/metrics';
 * const { contentType, body } = await expose(createMetrics().registry, 'application/openmetrics-text');
 * ```
 */
export async function expose(registry: Registry, accept: string | undefined): Promise<Exposition> {
  if (accept?.includes('application/openmetrics-text') === true) {
    return { contentType: Registry.OPENMETRICS_CONTENT_TYPE, body: await openMetricsText(registry) };
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * prom-client renders OpenMetrics from a registry of that content type, but renaming every
 * counter it renders for good (`x_total` becomes `x`), so the text-format scrapes after it would
 * lose their `_total`. Rendered here from stand-ins instead: each shares the real metric's
 * readings and has a name of its own for prom-client to rename.
 */
async function openMetricsText(registry: Registry): Promise<string> {
  const open = new Registry<OpenMetricsContentType>();
  open.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const metric of registry.getMetricsAsArray()) open.registerMetric(standIn(metric));
  return open.metrics();
}

/** What the registry reads of a metric it renders (lib/registry.js): its name, type and `get()`. */
interface Rendered {
  name: string;
  readonly type: unknown;
  get(): Promise<{ readonly name: string }>;
}

function standIn(metric: MetricObject): Metric {
  // Safe: every metric a registry holds is a prom-client metric, which has `get()` (typed on
  // Metric, not on the MetricObject that getMetricsAsArray is typed to return).
  const real = metric as unknown as Rendered;
  const stand: Rendered = {
    name: real.name,
    type: real.type,
    // `get()` runs the metric's collect and returns its values (with exemplars).
    async get() {
      return { ...(await real.get()), name: stand.name };
    },
  };
  // Safe: the registry reads only name, type and get() of what it renders (see Rendered).
  return stand as unknown as Metric;
}
