import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Level } from 'pino';
import { finalStatus, routeLabel } from '../metrics/http-metrics.fastify.ts';

/**
 * One structured line per request, written when the exchange ends:
 * `{ request_id, method, route, status, duration_ms, tenant? }`, message
 * `request completed`. `request_id` comes from the request logger's bindings.
 */
export function installAccessLog(app: FastifyInstance, level: Level): void {
  app.addHook('onRequest', (request, reply, done) => {
    logWhenDone(request, reply, level);
    done();
  });
}

/**
 * Registers the line on the raw response's `close`, which fires exactly once per
 * exchange, also when the client went away (`onResponse` would miss those).
 * Reading `request.ctx` then, not now, picks up the tenant set by later hooks.
 */
export function logWhenDone(request: FastifyRequest, reply: FastifyReply, level: Level): void {
  reply.raw.once('close', () => {
    request.log[level](
      {
        method: request.method,
        route: routeLabel(request),
        status: finalStatus(reply),
        duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
        // `?.`: ctx is still the decorator's null if a hook before ours failed.
        tenant: request.ctx?.tenantId,
      },
      'request completed',
    );
  });
}
