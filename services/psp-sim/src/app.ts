import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Sim } from './context.ts';
import { parseForm } from './form-body.ts';
import { newId } from './ids.ts';
import { paymentIntentRoutes } from './routes/payment-intents.ts';
import { refundRoutes } from './routes/refunds.ts';
import { simRoutes } from './routes/sim.ts';
import { FormBody, sever } from './stripe-call.ts';
import { errorJson, type StripeErrorBody, StripeRequestError, unrecognizedUrl } from './stripe-errors.ts';

/**
 * The simulator's HTTP app: Stripe's provider API under /v1 (form bodies in, Stripe's JSON
 * and error objects out, faults applied) and the JSON control API under /sim.
 */
export function buildApp(sim: Sim, logger: FastifyBaseLogger | boolean): FastifyInstance {
  const app = Fastify({
    ...(typeof logger === 'boolean' ? { logger } : { loggerInstance: logger }),
    // A hung request must not keep close() waiting: close destroys every connection.
    forceCloseConnections: true,
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, new FormBody(parseForm(String(body))));
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/v1/')) return;
    reply.header('request-id', newId('req', 14));
    sim.stats.request(`${request.method} ${route}`);
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished && !sim.severed.has(request.raw) && !sim.closing.aborted) sim.stats.clientAbort();
    });
    const plan = sim.faults.plan(request.url.split('?')[0] ?? '');
    sim.plans.set(request.raw, plan);
    if (plan.delayMs > 0) sim.stats.fault('latency');
    if (plan.terminal === undefined) return;
    sim.stats.fault(plan.terminal);
    if (plan.terminal === 'lost_response') return; // the route records first, then cuts the connection
    if (plan.delayMs > 0) await sleep(plan.delayMs, undefined, { signal: sim.closing });
    switch (plan.terminal) {
      case 'reset':
        return sever(sim, request, reply);
      case 'hang':
        // No answer, ever: the connection stays open until the client gives up (counted as
        // a client abort when it closes) or the simulator closes.
        reply.hijack();
        request.raw.resume();
        return;
      case 'http_500':
        return sendError(reply, 500, { type: 'api_error', message: 'An unknown error occurred' });
      case 'http_503':
        return sendError(
          reply,
          503,
          { type: 'api_error', message: 'The service is temporarily unavailable.' },
          plan.retryAfter,
        );
      case 'http_429':
        return sendError(
          reply,
          429,
          {
            type: 'invalid_request_error',
            code: 'rate_limit',
            message:
              'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
          },
          plan.retryAfter,
        );
    }
  });

  paymentIntentRoutes(app, sim);
  refundRoutes(app, sim);
  simRoutes(app, sim);

  app.setNotFoundHandler((request, reply) => {
    const error = unrecognizedUrl(request.method, request.url.split('?')[0] ?? '');
    sendError(reply, error.status, error.body);
  });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof StripeRequestError) {
      reply.headers(error.headers);
      return sendError(reply, error.status, error.body);
    }
    const statusCode = (error as { statusCode?: unknown } | null)?.statusCode; // Fastify's own errors carry one
    const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : 500;
    if (status === 500) {
      // Closing aborts pending latency; those requests fail by design, not by a bug.
      if (!sim.closing.aborted) request.log.error({ err: error }, 'psp-sim: request failed');
      return sendError(reply, 500, { type: 'api_error', message: 'An unknown error occurred' });
    }
    const message = error instanceof Error ? error.message : 'Invalid request';
    return sendError(reply, status, { type: 'invalid_request_error', message });
  });

  return app;
}

function sendError(reply: FastifyReply, status: number, body: StripeErrorBody, retryAfter?: number): FastifyReply {
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.code(status).type('application/json').send(errorJson(body));
}
