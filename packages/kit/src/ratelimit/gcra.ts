import type { RateLimitPolicy } from './rate-limit-policy.ts';
import type { BucketState } from './rate-limit-store.ts';

/**
 * A token bucket kept as one number, its theoretical arrival time (GCRA): `tat` is when the
 * bucket will be full again. Taking `cost` tokens pushes it `cost × interval` later; a request
 * fits while `tat` stays within `burst × interval` of now. The Redis script computes the same
 * (rate-limit.redis-store.ts); a contract suite holds the two equal.
 */
export interface BucketStep extends BucketState {
  readonly allowed: boolean;
  /** The new arrival time if allowed (the caller stores it), else the unchanged one. */
  readonly tat: number;
  /** Milliseconds until `cost` tokens are there; 0 when allowed. */
  readonly retryAfterMs: number;
}

const epsilon = 1e-6;

export function bucketStep(
  storedTat: number | undefined,
  now: number,
  cost: number,
  policy: RateLimitPolicy,
): BucketStep {
  const interval = 1_000 / policy.rate;
  const capacity = policy.burst * interval;
  const tat = Math.max(storedTat ?? now, now);
  const next = tat + cost * interval;
  // The epsilons absorb float error: burst requests at one instant must all fit, exactly.
  if (next - now > capacity + epsilon) {
    return {
      allowed: false,
      tat,
      remaining: Math.max(0, Math.floor((capacity - (tat - now)) / interval + epsilon)),
      resetMs: Math.ceil(tat - now),
      retryAfterMs: Math.ceil(next - now - capacity),
    };
  }
  return {
    allowed: true,
    tat: next,
    remaining: Math.floor((capacity - (next - now)) / interval + epsilon),
    resetMs: Math.ceil(next - now),
    retryAfterMs: 0,
  };
}
