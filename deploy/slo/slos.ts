// The service level objectives of the checkout service, as code: `npm run slo` turns them into
// Prometheus recording rules, multi-window multi-burn-rate alerts and a Grafana dashboard
// (deploy/prometheus/slo-rules.yml, deploy/grafana/slo-dashboard.json). Each SLO states its
// objective and, once, the PromQL of its error ratio over a window; everything else derives.

/** A PromQL window such as `5m`, `1h`, `3d`. */
export type Window = string;

export interface Slo {
  /** snake_case; the `slo` label of every series and the runbook's file name. */
  readonly name: string;
  /** CamelCase stem of the alert names (`<Alert>BurnFast`, `<Alert>BurnSlow`). */
  readonly alert: string;
  readonly description: string;
  /** Target fraction of good events (0.999 = 99.9%). The error budget is 1 − objective. */
  readonly objective: number;
  /** The fraction of bad events over `window`, as a PromQL expression (0 … 1). */
  readonly errorRatio: (window: Window) => string;
}

/** Requests the latency SLO counts as fast: at most this many seconds (a histogram bucket). */
export const latencyThresholdSeconds = 0.3;
/** Outbox rows older than this are stale events (the relay is behind). */
export const freshnessThresholdSeconds = 5;

const requests = 'http_request_duration_seconds';

export const slos: readonly Slo[] = [
  {
    name: 'api_availability',
    alert: 'ApiAvailability',
    description: '99.9% of API requests are answered without a server error (5xx).',
    objective: 0.999,
    errorRatio: (w) => `sum(rate(${requests}_count{status=~"5.."}[${w}])) / sum(rate(${requests}_count[${w}]))`,
  },
  {
    name: 'api_latency',
    alert: 'ApiLatency',
    description: `99% of API requests are answered within ${latencyThresholdSeconds * 1_000} ms.`,
    objective: 0.99,
    errorRatio: (w) =>
      `1 - sum(rate(${requests}_bucket{le="${latencyThresholdSeconds}"}[${w}])) / sum(rate(${requests}_count[${w}]))`,
  },
  {
    name: 'event_freshness',
    alert: 'EventFreshness',
    description: `The oldest unpublished event is under ${freshnessThresholdSeconds} s old 99% of the time.`,
    objective: 0.99,
    // A time-based SLI: the fraction of 30 s samples during which the outbox lagged.
    errorRatio: (w) => `1 - avg_over_time((max(outbox_lag_seconds) < bool ${freshnessThresholdSeconds})[${w}:30s])`,
  },
  {
    name: 'webhook_delivery',
    alert: 'WebhookDelivery',
    description: '99% of webhook deliveries end delivered, not dead-lettered.',
    objective: 0.99,
    errorRatio: (w) =>
      `sum(rate(webhook_deliveries_total{outcome="dead_lettered"}[${w}])) / sum(rate(webhook_deliveries_total{outcome=~"delivered|dead_lettered"}[${w}]))`,
  },
];
