import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError, httpStatusOf, problemContentType, toProblem } from '../errors/index.ts';
import type { AllowedMethods } from './allowed-methods.ts';
import { toAppError } from './fastify-errors.ts';
import { requestIdHeader } from './request-id.ts';

/**
 * Answers with the RFC 9457 problem for `error` (an AppError, a Fastify error, or
 * anything else as a bare 500). The body is serialized here rather than by Fastify so
 * a route's response schema for that status cannot reshape it. For hooks that answer
 * by themselves instead of throwing, e.g. a rate limiter.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { AppError } from '@keelson/kit/errors';
 * import { sendProblem } from '@keelson/kit/http';
 * const app = Fastify();
 * app.addHook('onRequest', async (_request, reply) => {
 *   reply.header('retry-after', '1');
 *   return sendProblem(reply, new AppError('rate_limited', 'rate_limited', 'Slow down.'));
 * });
 * ```
 */
export function sendProblem(reply: FastifyReply, error: unknown): FastifyReply {
  const known = toAppError(error);
  const problem = toProblem(known ?? error, reply.request.id);
  // Whole seconds, rounded up: a client retrying at the stated time must not be early.
  if (known?.retryAfterMs !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(known.retryAfterMs / 1_000))));
  return reply
    .code(problem.status)
    .header(requestIdHeader, reply.request.id)
    .header('content-type', problemContentType)
    .send(JSON.stringify(problem));
}

/**
 * Every error, unknown route and wrong method becomes a problem document.
 * Unrecognised errors are answered as `internal_error` (no message, no stack) and
 * logged at error level with their cause; 5xx AppErrors wrapping a cause at warn;
 * the rest not at all, the access log line already records them.
 */
export function installProblemReplies(app: FastifyInstance, allowedMethods: AllowedMethods): void {
  app.setErrorHandler((error, request, reply) => {
    const known = toAppError(error);
    if (known === undefined) {
      request.log.error({ err: error }, 'unhandled error');
    } else if (httpStatusOf(known.kind, known.code) >= 500 && known.cause !== undefined) {
      // A server-side failure behind a known outcome (a pool timeout behind
      // `database_unavailable`): worth a line with its cause. Causeless ones
      // (`shutting_down`, a deadline already past on arrival) are not.
      request.log.warn({ err: known }, known.message);
    }
    return sendProblem(reply, known ?? error);
  });

  app.setNotFoundHandler((request, reply) => {
    const allowed = allowedMethods(request.method, request.url.split('?', 1)[0] ?? '/');
    if (allowed.length === 0) {
      return sendProblem(reply, new AppError('not_found', 'route_not_found', 'No route matches this path.'));
    }
    const methods = allowed.join(', ');
    reply.header('allow', methods);
    const message = `${request.method} is not allowed on this path; allowed: ${methods}.`;
    return sendProblem(reply, new AppError('invalid', 'method_not_allowed', message));
  });
}
