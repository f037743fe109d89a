import type { BreakerState } from './policy-options.ts';
import type { RejectionReason } from './policy-rejection.ts';

/**
 * How an attempt that reached the dependency ended: `success`; `failure` (counted against the
 * breaker); `error` (a failure that is not the dependency's fault, e.g. a 400); `timeout` (no
 * answer before the deadline or the attempt cap); `cancelled` (the caller left, or a hedge won).
 */
export const callOutcomes = ['success', 'failure', 'error', 'timeout', 'cancelled'] as const;

export type CallOutcome = (typeof callOutcomes)[number];

/**
 * A policy's counters since it was created; `registerPolicyMetrics` turns them into metrics.
 *
 * @example
 * ```ts
 * import type { PolicyStats } from '@keelson/kit/resilience';
 * const failing = (stats: PolicyStats): boolean => stats.calls.failure > stats.calls.success;
 * ```
 */
export interface PolicyStats {
  readonly state: BreakerState;
  /** Attempts that reached the dependency, by how they ended. */
  readonly calls: Readonly<Record<CallOutcome, number>>;
  /** Attempts after the first of a call (hedges not included). */
  readonly retries: number;
  /** Extra attempts started by `hedge`. */
  readonly hedges: number;
  /** Calls the policy refused or gave up on, by reason. */
  readonly rejections: Readonly<Record<RejectionReason, number>>;
}
