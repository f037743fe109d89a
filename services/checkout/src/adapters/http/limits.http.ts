import { remainingMs } from '@keelson/kit/context';
import { installRateLimit, type RateLimiter, type RateLimitPolicy } from '@keelson/kit/ratelimit';
import { installShedding, type LoadShedder } from '@keelson/kit/shedding';
import type { FastifyInstance } from 'fastify';

/** The configured plans: a key's plan name to its policy. */
export interface RatePlans {
  /** The key's plan, or the default plan when it has none or its plan is no longer configured. */
  policyOf(plan: string | undefined): RateLimitPolicy;
}

/** What guards the authenticated API: the per-key rate limiter and, unless disabled, the load shedder. */
export interface ApiLimits {
  readonly limiter: RateLimiter;
  readonly plans: RatePlans;
  readonly shedder: LoadShedder | undefined;
}

/** A concurrency slot outlives a crashed holder by this much past the request's deadline. */
const slotLeaseMarginMs = 5_000;

/**
 * Before authentication: shedding. Routing has found the route, so its `priority` is known, and
 * a shed request costs no key lookup and no database work.
 */
export function installShedLimits(scope: FastifyInstance, limits: ApiLimits): void {
  if (limits.shedder !== undefined) installShedding(scope, limits.shedder);
}

/**
 * After authentication (limits are per API key), before idempotency: a request refused here
 * stores nothing under its Idempotency-Key, so the client retries it with the same key.
 */
export function installRateLimits(scope: FastifyInstance, limits: ApiLimits): void {
  installRateLimit(scope, {
    limiter: limits.limiter,
    subjectOf: (request) =>
      request.principal === null
        ? undefined
        : {
            key: request.principal.keyId,
            policy: limits.plans.policyOf(request.principal.plan),
            traceparent: request.ctx.traceparent,
          },
    leaseMs: (request) => remainingMs(request.ctx) + slotLeaseMarginMs,
  });
}
