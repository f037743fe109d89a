import { Counter, Gauge } from 'prom-client';
import type { Policy, PolicyStats } from '../resilience/index.ts';
import type { Metrics } from './create-metrics.ts';

type PolicySource = Pick<Policy, 'name' | 'stats'>;

/** Policies registered per metrics object; the metrics exist once per registry (see pool gauges). */
const sourcesByMetrics = new WeakMap<Metrics, Map<string, PolicySource>>();

const stateValues = { closed: 0, half_open: 1, open: 2 } as const;

/**
 * Exposes resilience policies, read from their counters at scrape time (nothing on the hot path):
 * - `dependency_breaker_state{dependency}`: 0 closed, 1 half-open, 2 open;
 * - `dependency_calls_total{dependency, outcome}`: attempts that reached the dependency, by
 *   outcome (`success`, `failure`, `error`, `timeout`, `cancelled`);
 * - `dependency_retries_total{dependency}` and `dependency_hedges_total{dependency}`;
 * - `dependency_rejections_total{dependency, reason}`: calls refused or given up, by reason.
 *
 * Labels are bounded: one `dependency` per policy (its name), closed sets of outcomes and reasons.
 *
 * @example
 * ```ts
 * import { createMetrics, registerPolicyMetrics } from '@keelson/kit/metrics';
 * import { createPolicy, type PolicyConfig } from '@keelson/kit/resilience';
 * declare const pspConfig: PolicyConfig;
 * registerPolicyMetrics(createMetrics(), createPolicy(pspConfig));
 * ```
 */
export function registerPolicyMetrics(metrics: Metrics, policy: PolicySource): void {
  let sources = sourcesByMetrics.get(metrics);
  if (sources === undefined) {
    sources = new Map();
    sourcesByMetrics.set(metrics, sources);
    createPolicyMetrics(metrics, sources);
  }
  if (sources.has(policy.name)) {
    throw new Error(`Policy metrics for "${policy.name}" are already registered.`);
  }
  sources.set(policy.name, policy);
}

function createPolicyMetrics(metrics: Metrics, sources: Map<string, PolicySource>): void {
  const { prefix, registry } = metrics;
  new Gauge({
    name: `${prefix}dependency_breaker_state`,
    help: 'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.',
    labelNames: ['dependency'],
    registers: [registry],
    collect() {
      for (const [dependency, policy] of sources) this.set({ dependency }, stateValues[policy.stats().state]);
    },
  });
  /** A counter fed from one field of the stats; `label` names the keys of a by-key field. */
  const counter = (
    name: string,
    help: string,
    label: string | undefined,
    read: (stats: PolicyStats) => Readonly<Record<string, number>>,
  ): void => {
    const reported = new Map<string, number>();
    new Counter({
      name: `${prefix}${name}`,
      help,
      labelNames: label === undefined ? ['dependency'] : ['dependency', label],
      registers: [registry],
      collect() {
        for (const [dependency, policy] of sources) {
          for (const [key, value] of Object.entries(read(policy.stats()))) {
            // A counter only goes up: add what happened since the last scrape.
            const id = `${dependency}\u0000${key}`;
            this.inc(
              label === undefined ? { dependency } : { dependency, [label]: key },
              value - (reported.get(id) ?? 0),
            );
            reported.set(id, value);
          }
        }
      },
    });
  };
  counter('dependency_calls_total', 'Attempts that reached a dependency, by outcome.', 'outcome', (s) => s.calls);
  counter('dependency_retries_total', 'Retries of failed calls to a dependency.', undefined, (s) => ({
    all: s.retries,
  }));
  counter('dependency_hedges_total', 'Extra attempts started by hedged reads.', undefined, (s) => ({ all: s.hedges }));
  counter(
    'dependency_rejections_total',
    'Calls a resilience policy refused or gave up on, by reason.',
    'reason',
    (s) => s.rejections,
  );
}
