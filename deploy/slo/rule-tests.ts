import { type AlertingRule, ruleGroups } from './burn-rate-rules.ts';
import { type Slo, slos } from './slos.ts';

// promtool unit tests for the generated alerts: synthetic series (hand-written scenarios below)
// that must page, must only open a ticket, or must stay quiet. The expected labels and
// annotations are read from the generated rules; what fires when is what the scenarios assert.

type Speed = 'fast' | 'slow';

interface Scenario {
  readonly name: string;
  readonly slo: Slo['name'];
  /** promtool expanding notation per series, one sample a minute. */
  readonly series: Readonly<Record<string, string>>;
  readonly evalTime: string;
  /** The alerts of this SLO that must fire at `evalTime`; the others must not. */
  readonly firing: readonly Speed[];
}

const ok = 'http_request_duration_seconds_count{method="POST",route="/v1/orders",status="201"}';
const failed = 'http_request_duration_seconds_count{method="POST",route="/v1/orders",status="500"}';
const count = 'http_request_duration_seconds_count{method="GET",route="/v1/products/:id",status="200"}';
const fast = 'http_request_duration_seconds_bucket{le="0.3",method="GET",route="/v1/products/:id",status="200"}';
const delivered = 'webhook_deliveries_total{outcome="delivered"}';
const deadLettered = 'webhook_deliveries_total{outcome="dead_lettered"}';

export const scenarios: readonly Scenario[] = [
  {
    name: '2% of requests fail: 20× the budget pages at once, and the slow burn opens a ticket',
    slo: 'api_availability',
    series: { [ok]: '0+980x30', [failed]: '0+20x30' },
    evalTime: '15m',
    firing: ['fast', 'slow'],
  },
  {
    name: 'the failures stopped 30 min ago: the page resolves (short windows clean), the ticket stays',
    slo: 'api_availability',
    series: { [ok]: '0+980x100', [failed]: '0+20x60 1200+0x40' },
    evalTime: '90m',
    firing: ['slow'],
  },
  {
    name: '0.05% of requests fail for 2 h: within the 0.1% budget, nothing fires',
    slo: 'api_availability',
    series: { [ok]: '0+1999x120', [failed]: '0+1x120' },
    evalTime: '2h',
    firing: [],
  },
  {
    name: '0.3% of requests fail for 2 h: 3× the budget is no page, but a ticket',
    slo: 'api_availability',
    series: { [ok]: '0+997x120', [failed]: '0+3x120' },
    evalTime: '2h',
    firing: ['slow'],
  },
  {
    name: '20% of reads take over 300 ms: the latency budget (1%) burns 20× too fast',
    slo: 'api_latency',
    series: { [count]: '0+1000x30', [fast]: '0+800x30' },
    evalTime: '20m',
    firing: ['fast', 'slow'],
  },
  {
    name: 'all reads under 300 ms: nothing fires',
    slo: 'api_latency',
    series: { [count]: '0+1000x30', [fast]: '0+1000x30' },
    evalTime: '20m',
    firing: [],
  },
  {
    name: 'the outbox lags 30 s for 20 min: stale events page',
    slo: 'event_freshness',
    series: { outbox_lag_seconds: '30x20' },
    evalTime: '20m',
    firing: ['fast', 'slow'],
  },
  {
    name: 'the outbox lags 1 s: fresh, nothing fires',
    slo: 'event_freshness',
    series: { outbox_lag_seconds: '1x20' },
    evalTime: '20m',
    firing: [],
  },
  {
    name: '5% of webhook deliveries dead-letter for 2 h: 5× the budget is a ticket, not a page',
    slo: 'webhook_delivery',
    series: { [delivered]: '0+95x120', [deadLettered]: '0+5x120' },
    evalTime: '2h',
    firing: ['slow'],
  },
];

function alertsOf(slo: string, runbookBase: string): Record<Speed, AlertingRule> {
  const rules = ruleGroups(slos, runbookBase).find((group) => group.name === `slo-${slo}`)?.rules ?? [];
  const alerts = rules.filter((rule): rule is AlertingRule => 'alert' in rule);
  const bySpeed = (suffix: string) => {
    const alert = alerts.find((rule) => rule.alert.endsWith(suffix));
    if (alert === undefined) throw new Error(`no ${suffix} alert for ${slo}`);
    return alert;
  };
  return { fast: bySpeed('BurnFast'), slow: bySpeed('BurnSlow') };
}

/** The promtool test file's content (before YAML), for the rules generated with `runbookBase`. */
export function ruleTests(rulesFile: string, runbookBase: string) {
  return {
    rule_files: [rulesFile],
    evaluation_interval: '1m',
    tests: scenarios.map((scenario) => {
      const alerts = alertsOf(scenario.slo, runbookBase);
      return {
        name: scenario.name,
        interval: '1m',
        input_series: Object.entries(scenario.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: (['fast', 'slow'] as const).map((speed) => ({
          eval_time: scenario.evalTime,
          alertname: alerts[speed].alert,
          exp_alerts: scenario.firing.includes(speed)
            ? [{ exp_labels: alerts[speed].labels, exp_annotations: alerts[speed].annotations }]
            : [],
        })),
      };
    }),
  };
}
