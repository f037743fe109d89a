import type { RateLimitPolicy } from './rate-limit-policy.ts';
import type { BucketState } from './rate-limit-store.ts';

/**
 * `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers): the bucket as a quota of `burst`
 * requests over the `w` seconds it takes to refill from empty, e.g. `"default";q=200;w=2`.
 */
export function rateLimitPolicyHeader(policy: RateLimitPolicy): string {
  let header = policyHeaders.get(policy);
  if (header === undefined) {
    header = `"${policy.name}";q=${policy.burst};w=${Math.max(1, Math.ceil(policy.burst / policy.rate))}`;
    policyHeaders.set(policy, header);
  }
  return header;
}

/** A plan's policy never changes (a new config makes new policy objects): its header is built once. */
const policyHeaders = new WeakMap<RateLimitPolicy, string>();

/**
 * `RateLimit`: requests left (`r`) and seconds until the bucket is full again (`t`, rounded up,
 * so a client that waits `t` is never early), e.g. `"default";r=150;t=1`.
 */
export function rateLimitHeader(policy: RateLimitPolicy, state: BucketState): string {
  return `"${policy.name}";r=${state.remaining};t=${Math.ceil(state.resetMs / 1_000)}`;
}
