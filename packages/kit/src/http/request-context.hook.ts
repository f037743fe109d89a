import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createContext, parseTraceparent, type RequestContext } from '../context/index.ts';
import type { AppError } from '../errors/index.ts';
import { type DeadlinePolicy, decideTimeout, requestDeadlineHeader } from './deadline.ts';
import { requestIdHeader } from './request-id.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The request's context for use cases: id, deadline, signal, logger, tenant.
     * Set by the chassis' first `onRequest` hook; hooks that learn more replace it,
     * e.g. `request.ctx = withTenant(request.ctx, tenantId)` after authentication.
     */
    ctx: RequestContext;
  }
}

/**
 * Decorating keeps the request object's shape stable. The null is safe to declare as a context
 * because the chassis' first `onRequest` step ({@link beginContext}) replaces it on every request
 * before route code can read it.
 */
export function decorateContext(app: FastifyInstance): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
}

/**
 * Gives the request its id header and its `request.ctx`; returns the refusal of a request whose
 * `X-Request-Deadline` is malformed (400) or already past (504), before its body is read or its
 * handler runs.
 */
export function beginContext(
  request: FastifyRequest,
  reply: FastifyReply,
  policy: DeadlinePolicy,
): AppError | undefined {
  const now = Date.now();
  const decision = decideTimeout(singleHeader(request.headers[requestDeadlineHeader]), policy, now);
  attachContext(request, reply, decision.ok ? decision.timeoutMs : 0, now);
  return decision.ok ? undefined : decision.error;
}

/**
 * The one reason every finished exchange aborts with: `abort()` without a reason builds a
 * DOMException (and captures its stack) per request, which showed in the payment path's profile.
 */
export const exchangeOver = new DOMException('the exchange is over', 'AbortError');

/**
 * Echoes the request id and sets `request.ctx`. The context's signal aborts at the deadline and
 * once the exchange is over (the chassis calls `endContext` when the response closes, also when
 * the client went away first): work meant to outlive the response must not hold on to it. It
 * follows the *response*'s `close`, not Fastify's `request.signal`: that one follows the request
 * stream's `close`, which Node emits as soon as a body has been read, so every POST would reach
 * its handler already aborted.
 */
export function attachContext(request: FastifyRequest, reply: FastifyReply, timeoutMs: number, now = Date.now()): void {
  reply.header(requestIdHeader, request.id);
  // createHttpServer hands Fastify a pino instance, and its request loggers are pino children
  // made on first use (deferred-request-logger.ts): they answer the level methods, `child`,
  // `isLevelEnabled`, `bindings` and `flush`, which is what the kit and the service call.
  const logger = request.log as Logger;
  request.ctx = createContext({
    requestId: request.id,
    timeoutMs,
    logger,
    now,
    traceparent: parseTraceparent(singleHeader(request.headers.traceparent)),
  });
}

/** Node joins repeated custom headers with ", ", which then fails validation as it should. */
function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
