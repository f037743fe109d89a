import type { Measurement } from './measurement.ts';

/**
 * Several rounds of the same scenarios, interleaved in time, condensed into one row per
 * scenario. Medians resist a noisy window on a shared machine better than one long run.
 */

function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/** Median rate and percentiles; counts, errors and breakdowns summed over the rounds. */
export function condense(rounds: readonly (readonly Measurement[])[]): Measurement[] {
  const first = rounds[0] ?? [];
  return first.map(({ scenario, tool }) => {
    const runs = rounds.map((round) => round.find((m) => m.scenario === scenario)).filter((m) => m !== undefined);
    const sum = (pick: (m: Measurement) => number) => runs.reduce((total, m) => total + pick(m), 0);
    const breakdown: Record<string, number> = {};
    for (const m of runs) for (const [k, v] of Object.entries(m.breakdown)) breakdown[k] = (breakdown[k] ?? 0) + v;
    return {
      scenario,
      tool,
      completed: sum((m) => m.completed),
      durationS: sum((m) => m.durationS),
      rate: median(runs.map((m) => m.rate)),
      p50Ms: median(runs.map((m) => m.p50Ms)),
      p99Ms: median(runs.map((m) => m.p99Ms)),
      non2xx: sum((m) => m.non2xx),
      errors: sum((m) => m.errors),
      timeouts: sum((m) => m.timeouts),
      // The worst window: a round the hypervisor starved shows here even when the median hides it.
      stealPct: Math.max(...runs.map((m) => m.stealPct ?? Number.NaN)),
      breakdown,
    };
  });
}

/** What a ratio compares: throughput (default) or a latency percentile. */
export type RatioMetric = 'rate' | 'p50Ms' | 'p99Ms';

/** numerator/denominator `metric` within each round (neighbours in time), then their median. */
export function ratioPerRound(
  rounds: readonly (readonly Measurement[])[],
  numerator: string,
  denominator: string,
  metric: RatioMetric = 'rate',
): { readonly value: number; readonly perRound: number[] } {
  const perRound = rounds.map((round) => {
    const top = round.find((m) => m.scenario === numerator)?.[metric] ?? Number.NaN;
    const bottom = round.find((m) => m.scenario === denominator)?.[metric] ?? Number.NaN;
    return bottom > 0 ? top / bottom : Number.NaN;
  });
  return { value: median(perRound), perRound };
}
