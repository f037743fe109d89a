import type { RateLimitPolicy } from './rate-limit-policy.ts';

/** One admission asked of a store: take `cost` tokens and one concurrency slot, or neither. */
export interface AdmitRequest {
  readonly key: string;
  readonly policy: RateLimitPolicy;
  /** Tokens this request spends (the route's cost), ≤ the policy's burst. */
  readonly cost: number;
  /** Epoch milliseconds of the decision (the limiter's clock). */
  readonly now: number;
  /** Names the concurrency slot, so it can be released. */
  readonly leaseId: string;
  /** How long the slot is held if it is never released (the holder crashed). */
  readonly leaseMs: number;
  /** The request's, for a span of a shared store's call. */
  readonly traceparent?: string | undefined;
}

/** The bucket as the decision left it: what the `RateLimit` header reports. */
export interface BucketState {
  /** Whole tokens left. */
  readonly remaining: number;
  /** Milliseconds until the bucket is full again. */
  readonly resetMs: number;
}

/**
 * A store's answer. `rate_limited` takes nothing and says when `cost` tokens will be there;
 * `concurrency_limited` takes nothing either (the tokens stay in the bucket).
 */
export type AdmitResult =
  | ({ readonly kind: 'allowed' } & BucketState)
  | ({ readonly kind: 'rate_limited'; readonly retryAfterMs: number } & BucketState)
  | ({ readonly kind: 'concurrency_limited'; readonly inFlight: number } & BucketState);

/**
 * Where buckets and slots live. Each call is one atomic decision: two processes sharing a
 * store never both spend the last token or the last slot.
 */
export interface RateLimitStore {
  admit(request: AdmitRequest): Promise<AdmitResult>;
  /** Frees a slot `admit` took; unknown or expired ids are ignored. */
  release(key: string, leaseId: string, traceparent?: string): Promise<void>;
}
