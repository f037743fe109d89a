/**
 * What one API key (or any subject) may spend: a token bucket that refills `rate` tokens a
 * second up to `burst`, and at most `concurrency` requests in flight at once.
 */
export interface RateLimitPolicy {
  /** Announced in `RateLimit-Policy`; lowercase letters, digits, `_` and `-`. */
  readonly name: string;
  /** Tokens added per second: the sustained request rate. */
  readonly rate: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  readonly burst: number;
  /** Requests of one subject in flight at once. */
  readonly concurrency: number;
}

/** Policy names become structured-field strings in headers; this keeps them plain. */
export const policyNamePattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Throws a `RangeError` naming the first thing wrong with `policy`, so a bad plan fails at
 * start-up rather than at the first request.
 */
export function checkPolicy(policy: RateLimitPolicy): RateLimitPolicy {
  if (!policyNamePattern.test(policy.name)) {
    throw new RangeError(`rate-limit policy name '${policy.name}' must match ${policyNamePattern}`);
  }
  if (!(Number.isFinite(policy.rate) && policy.rate > 0)) throw new RangeError(`${policy.name}: rate must be > 0`);
  if (!(Number.isInteger(policy.burst) && policy.burst >= 1)) {
    throw new RangeError(`${policy.name}: burst must be an integer ≥ 1`);
  }
  if (!(Number.isInteger(policy.concurrency) && policy.concurrency >= 1)) {
    throw new RangeError(`${policy.name}: concurrency must be an integer ≥ 1`);
  }
  return policy;
}
