import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors/index.ts';
import { atExchangeEnd, sendProblem } from '../http/index.ts';
import type { LoadShedder } from './load-shedder.ts';
import type { Priority } from './priority.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's class for load shedding; routes without one are never shed. */
    priority?: Priority;
  }
}

/**
 * Sheds requests of this scope by their route's `config.priority`: a refused one is answered
 * 503 `overloaded` with `Retry-After` from an `onRequest` hook. Install it before
 * authentication: routing has already found the route (so its class is known), and a shed
 * request then costs no key lookup, no body parsing and no database work.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createLoadShedder, installShedding } from '@keelson/kit/shedding';
 * const app = Fastify();
 * installShedding(app, createLoadShedder({ signal: () => 0 }));
 * app.get('/orders', { config: { priority: 'bulk' } }, async () => []);
 * ```
 */
export function installShedding(fastify: FastifyInstance, shedder: LoadShedder): void {
  // One error per suggested wait (a handful), built on first use: under overload refusals are most
  // of the traffic, and an Error per refusal (its stack captured) is work the loop cannot spare.
  // sendProblem only reads it.
  const refusals = new Map<number, AppError>();
  fastify.addHook('onRequest', (request, reply, done) => {
    const priority = request.routeOptions.config.priority;
    if (priority === undefined) return done();
    const decision = shedder.admit(priority);
    if (decision.admitted) {
      atExchangeEnd(reply, decision.done);
      return done();
    }
    let error = refusals.get(decision.retryAfterMs);
    if (error === undefined) {
      error = new AppError('overloaded', 'overloaded', overloadedMessage, { retryAfterMs: decision.retryAfterMs });
      if (refusals.size < 16) refusals.set(decision.retryAfterMs, error); // bounded whatever the shedder answers
    }
    // Answered here without calling done(): the rest of the chain never runs.
    sendProblem(reply, error);
  });
}

const overloadedMessage =
  'The service is overloaded and shed this request before doing any work; retry after Retry-After.';
