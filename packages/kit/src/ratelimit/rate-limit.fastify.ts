import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.ts';
import { atExchangeEnd, sendProblem } from '../http/index.ts';
import { rateLimitHeader, rateLimitPolicyHeader } from './rate-limit-headers.ts';
import type { RateLimitPolicy } from './rate-limit-policy.ts';
import type { RateLimiter } from './rate-limiter.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Tokens a request to this route spends; default 1. */
    rateLimitCost?: number;
  }
}

/** Settings of {@link installRateLimit}. */
export interface InstallRateLimitOptions {
  readonly limiter: RateLimiter;
  /**
   * Whose bucket and which policy (and the request's traceparent, for spans of a shared store's
   * calls); `undefined` leaves the request unlimited. Runs after authentication.
   */
  readonly subjectOf: (
    request: FastifyRequest,
  ) =>
    | { readonly key: string; readonly policy: RateLimitPolicy; readonly traceparent?: string | undefined }
    | undefined;
  /** How long a concurrency slot outlives a process that never released it (the request's time left). */
  readonly leaseMs: (request: FastifyRequest) => number;
}

/**
 * Limits every request of this scope (an `onRequest` hook: install it after authentication,
 * before anything that stores state, e.g. idempotency). Every limited answer carries
 * `RateLimit-Policy` and `RateLimit`; a refusal is 429 `rate_limited` with `Retry-After` and
 * `reason` (`rate` or `concurrency`) in the problem. The slot is released when the response closes.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createMemoryRateLimitStore, createRateLimiter, installRateLimit } from '@keelson/kit/ratelimit';
 * const app = Fastify();
 * const policy = { name: 'default', rate: 10, burst: 20, concurrency: 5 };
 * installRateLimit(app, {
 *   limiter: createRateLimiter({ store: createMemoryRateLimitStore() }),
 *   subjectOf: (request) => ({ key: request.ip, policy }),
 *   leaseMs: () => 30_000,
 * });
 * app.get('/things', { config: { rateLimitCost: 2 } }, async () => []);
 * ```
 */
export function installRateLimit(fastify: FastifyInstance, options: InstallRateLimitOptions): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const subject = options.subjectOf(request);
    if (subject === undefined) return;
    const cost = request.routeOptions.config.rateLimitCost ?? 1;
    const admission = await options.limiter.admit({ ...subject, cost, leaseMs: options.leaseMs(request) });
    reply.header('ratelimit-policy', rateLimitPolicyHeader(subject.policy));
    reply.header('ratelimit', rateLimitHeader(subject.policy, admission));
    if (admission.allowed) {
      atExchangeEnd(reply, admission.release);
      return;
    }
    const { reason, retryAfterMs } = admission;
    const message =
      reason === 'rate'
        ? `Rate limit of plan '${subject.policy.name}' exceeded; retry after Retry-After seconds.`
        : `Too many concurrent requests for this key (plan '${subject.policy.name}' allows ${subject.policy.concurrency}).`;
    return sendProblem(
      reply,
      new AppError('rate_limited', 'rate_limited', message, { retryAfterMs, extensions: { reason } }),
    );
  });
}
