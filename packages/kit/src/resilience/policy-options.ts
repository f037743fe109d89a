import type { Logger } from 'pino';

/** The hard ceiling on attempts: three layers retrying three times each already make 27 calls. */
export const maxAttemptsCeiling = 3;

export interface TimeoutConfig {
  /** The call's signal fires this long before the caller's deadline, leaving time to answer. */
  readonly marginMs: number;
  /** Also caps each attempt at this long, so a hung attempt leaves time for another. */
  readonly maxMs?: number;
}

export interface RetryConfig {
  /** Attempts in all, first included: 1 to 3, default 3. */
  readonly maxAttempts?: number;
  /** Full jitter: the n-th retry waits a uniform random time in [0, min(maxDelayMs, baseDelayMs × 2^(n−1))). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryBudgetConfig {
  /** Retries (and hedges) allowed per call over the window; default 0.1. */
  readonly ratio?: number;
  /** Retries allowed regardless of traffic, so a quiet dependency can still retry. */
  readonly minRetriesPerSecond: number;
  readonly windowMs: number;
}

export interface BreakerConfig {
  /** Calls the window must hold before the ratio is looked at. */
  readonly volumeThreshold: number;
  /** The circuit opens once failures / calls over the window reach this, in (0, 1]. */
  readonly failureRatio: number;
  readonly windowMs: number;
  /** How long the circuit stays open before probes are let through. */
  readonly halfOpenAfterMs: number;
  /** Probes let through while half-open (others are rejected at once); all must succeed to close. Default 1. */
  readonly halfOpenProbes?: number;
}

export interface BulkheadConfig {
  readonly maxConcurrent: number;
  /** Attempts that may wait for a slot; beyond that, `bulkhead_full` at once. */
  readonly maxQueue: number;
}

/**
 * Everything about a policy that is data, so a service builds it from its config.
 *
 * @example
 * ```ts
 * import type { PolicyConfig } from '@keelson/kit/resilience';
 * const psp: PolicyConfig = {
 *   name: 'psp',
 *   timeout: { marginMs: 50 },
 *   retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000 },
 *   retryBudget: { ratio: 0.1, minRetriesPerSecond: 1, windowMs: 10_000 },
 *   breaker: { volumeThreshold: 20, failureRatio: 0.5, windowMs: 10_000, halfOpenAfterMs: 5_000, halfOpenProbes: 2 },
 *   bulkhead: { maxConcurrent: 64, maxQueue: 64 },
 * };
 * ```
 */
export interface PolicyConfig {
  /** The dependency, used as the `dependency` metric label: lower-case letters, digits, `_`. */
  readonly name: string;
  readonly timeout: TimeoutConfig;
  readonly retry: RetryConfig;
  readonly retryBudget: RetryBudgetConfig;
  readonly breaker: BreakerConfig;
  readonly bulkhead: BulkheadConfig;
}

/** The breaker's state as metrics and logs name it. */
export type BreakerState = 'closed' | 'half_open' | 'open';

/**
 * The config plus what is not data: where to log and whom to tell about state changes.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import type { PolicyConfig, PolicyOptions } from '@keelson/kit/resilience';
 * declare const config: PolicyConfig;
 * const options: PolicyOptions = { ...config, logger: pino(), onStateChange: (name, state) => console.log(name, state) };
 * ```
 */
export interface PolicyOptions extends PolicyConfig {
  /** State changes are logged here: `warn` on open, `info` otherwise. */
  readonly logger?: Logger;
  /** Called on every breaker state change; must not throw (a throw is logged and ignored). */
  readonly onStateChange?: (name: string, state: BreakerState) => void;
  /** Uniform in [0, 1), for the jitter; `Math.random` unless a test seeds it. */
  readonly random?: () => number;
}

/** Defaults applied, every field present. */
export interface ResolvedConfig {
  readonly name: string;
  readonly marginMs: number;
  readonly maxMs: number | undefined;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly budgetRatio: number;
  readonly minRetriesPerSecond: number;
  readonly budgetWindowMs: number;
  readonly volumeThreshold: number;
  readonly failureRatio: number;
  readonly breakerWindowMs: number;
  readonly halfOpenAfterMs: number;
  readonly halfOpenProbes: number;
  readonly maxConcurrent: number;
  readonly maxQueue: number;
}

const namePattern = /^[a-z][a-z0-9_]{0,62}$/;

/** Applies the defaults and checks every field, reporting all problems in one `RangeError`. */
export function resolveConfig(config: PolicyConfig): ResolvedConfig {
  const resolved: ResolvedConfig = {
    name: config.name,
    marginMs: config.timeout.marginMs,
    maxMs: config.timeout.maxMs,
    maxAttempts: config.retry.maxAttempts ?? maxAttemptsCeiling,
    baseDelayMs: config.retry.baseDelayMs,
    maxDelayMs: config.retry.maxDelayMs,
    budgetRatio: config.retryBudget.ratio ?? 0.1,
    minRetriesPerSecond: config.retryBudget.minRetriesPerSecond,
    budgetWindowMs: config.retryBudget.windowMs,
    volumeThreshold: config.breaker.volumeThreshold,
    failureRatio: config.breaker.failureRatio,
    breakerWindowMs: config.breaker.windowMs,
    halfOpenAfterMs: config.breaker.halfOpenAfterMs,
    halfOpenProbes: config.breaker.halfOpenProbes ?? 1,
    maxConcurrent: config.bulkhead.maxConcurrent,
    maxQueue: config.bulkhead.maxQueue,
  };
  const problems: string[] = [];
  const check = (ok: boolean, field: string, rule: string, value: unknown): void => {
    if (!ok) problems.push(`${field} must be ${rule}, got ${String(value)}`);
  };
  const whole = (value: number, min: number): boolean => Number.isSafeInteger(value) && value >= min;
  const finite = (value: number, min: number): boolean => Number.isFinite(value) && value >= min;
  check(namePattern.test(resolved.name), 'name', 'lower-case letters, digits and _ (≤ 63)', resolved.name);
  check(finite(resolved.marginMs, 0), 'timeout.marginMs', '≥ 0', resolved.marginMs);
  check(resolved.maxMs === undefined || finite(resolved.maxMs, 1), 'timeout.maxMs', '≥ 1', resolved.maxMs);
  check(
    whole(resolved.maxAttempts, 1) && resolved.maxAttempts <= maxAttemptsCeiling,
    'retry.maxAttempts',
    `an integer in [1, ${maxAttemptsCeiling}]`,
    resolved.maxAttempts,
  );
  check(finite(resolved.baseDelayMs, 0), 'retry.baseDelayMs', '≥ 0', resolved.baseDelayMs);
  check(finite(resolved.maxDelayMs, resolved.baseDelayMs), 'retry.maxDelayMs', '≥ baseDelayMs', resolved.maxDelayMs);
  check(finite(resolved.budgetRatio, 0), 'retryBudget.ratio', '≥ 0', resolved.budgetRatio);
  check(
    finite(resolved.minRetriesPerSecond, 0),
    'retryBudget.minRetriesPerSecond',
    '≥ 0',
    resolved.minRetriesPerSecond,
  );
  check(finite(resolved.budgetWindowMs, 10), 'retryBudget.windowMs', '≥ 10', resolved.budgetWindowMs);
  check(whole(resolved.volumeThreshold, 1), 'breaker.volumeThreshold', 'an integer ≥ 1', resolved.volumeThreshold);
  check(
    Number.isFinite(resolved.failureRatio) && resolved.failureRatio > 0 && resolved.failureRatio <= 1,
    'breaker.failureRatio',
    'in (0, 1]',
    resolved.failureRatio,
  );
  check(finite(resolved.breakerWindowMs, 10), 'breaker.windowMs', '≥ 10', resolved.breakerWindowMs);
  check(finite(resolved.halfOpenAfterMs, 1), 'breaker.halfOpenAfterMs', '≥ 1', resolved.halfOpenAfterMs);
  check(whole(resolved.halfOpenProbes, 1), 'breaker.halfOpenProbes', 'an integer ≥ 1', resolved.halfOpenProbes);
  check(whole(resolved.maxConcurrent, 1), 'bulkhead.maxConcurrent', 'an integer ≥ 1', resolved.maxConcurrent);
  check(whole(resolved.maxQueue, 0), 'bulkhead.maxQueue', 'an integer ≥ 0', resolved.maxQueue);
  if (problems.length > 0) {
    throw new RangeError(`Invalid resilience policy "${String(config.name)}": ${problems.join('; ')}.`);
  }
  return resolved;
}
