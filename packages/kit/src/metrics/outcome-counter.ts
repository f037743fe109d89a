import { Counter } from 'prom-client';
import type { Metrics } from './create-metrics.ts';

/**
 * A counter of outcomes from a closed vocabulary (`outcome` label), for services that should not
 * depend on prom-client themselves. Every outcome starts at 0, so a rate over it exists before
 * the first event (an SLO's ratio is then 0, not absent).
 *
 * @example
 * ```ts
 * import { createMetrics, createOutcomeCounter } from '@keelson/kit/metrics';
 * const count = createOutcomeCounter(createMetrics(), 'webhook_deliveries_total', 'Deliveries by outcome.', [
 *   'delivered',
 *   'dead_lettered',
 * ] as const);
 * count('delivered');
 * ```
 */
export function createOutcomeCounter<Outcome extends string>(
  metrics: Metrics,
  name: string,
  help: string,
  outcomes: readonly Outcome[],
): (outcome: Outcome) => void {
  const counter = new Counter({
    name: `${metrics.prefix}${name}`,
    help,
    labelNames: ['outcome'],
    registers: [metrics.registry],
  });
  for (const outcome of outcomes) counter.inc({ outcome }, 0);
  return (outcome) => counter.inc({ outcome });
}
