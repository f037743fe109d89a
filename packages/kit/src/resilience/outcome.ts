/**
 * What a failed call means to the policy, as decided by the caller's `classify` function.
 * Only failures are classified: an expected answer (a declined card, a 404 the caller
 * handles) is returned by the call as a value, never thrown, so it is a success here.
 *
 * @example
 * ```ts
 * import type { Outcome } from '@keelson/kit/resilience';
 * // A 503 with `Retry-After: 2`: try again, not before 2 s, and count it against the breaker.
 * const unavailable: Outcome = { retryable: true, tripsBreaker: true, retryAfterMs: 2_000 };
 * // A 400: our request is wrong; repeating it cannot help and says nothing about the dependency's health.
 * const badRequest: Outcome = { retryable: false, tripsBreaker: false };
 * ```
 */
export interface Outcome {
  /** Another attempt may succeed (a 5xx, a reset connection, a 429). */
  readonly retryable: boolean;
  /** The failure says the dependency is unhealthy, so it counts against its circuit breaker. */
  readonly tripsBreaker: boolean;
  /** The dependency asked not to be called again before this many ms (`Retry-After`). */
  readonly retryAfterMs?: number;
}

/**
 * Decides what a thrown failure means. Called once per failed attempt, never for values.
 *
 * @example
 * ```ts
 * import { type Classify, outcomes } from '@keelson/kit/resilience';
 * const classify: Classify = (error) =>
 *   error instanceof TypeError ? outcomes.transient() : outcomes.permanent;
 * ```
 */
export type Classify = (error: unknown) => Outcome;

/**
 * The two outcomes most failures are: a transient one (retry, and count it against the
 * breaker) and a permanent one (the request itself is wrong: neither retry nor count).
 *
 * @example
 * ```ts
 * import { outcomes } from '@keelson/kit/resilience';
 * const throttled = outcomes.transient(1_000); // a 429 with Retry-After: 1
 * const invalid = outcomes.permanent; // a 400
 * ```
 */
export const outcomes: {
  readonly transient: (retryAfterMs?: number) => Outcome;
  readonly permanent: Outcome;
} = {
  transient: (retryAfterMs) =>
    retryAfterMs === undefined
      ? { retryable: true, tripsBreaker: true }
      : { retryable: true, tripsBreaker: true, retryAfterMs },
  permanent: Object.freeze({ retryable: false, tripsBreaker: false }),
};
