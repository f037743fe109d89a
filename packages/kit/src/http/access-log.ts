import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Level } from 'pino';
import { finalStatus, routeLabel } from '../metrics/http-metrics.fastify.ts';

/**
 * One structured line per request, written by the chassis when the exchange ends (also when
 * the client went away): `{ request_id, method, route, status, duration_ms, tenant? }`, message
 * `request completed`. `request_id` comes from the request logger's bindings; the tenant is a
 * field of the line, read from `request.ctx` now (later hooks set it), not a child logger's.
 */
export function writeAccessLine(request: FastifyRequest, reply: FastifyReply, level: Level): void {
  request.log[level](
    {
      method: request.method,
      route: routeLabel(request),
      status: finalStatus(reply),
      duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      // `?.`: ctx is still the decorator's null if the request never got one.
      tenant: request.ctx?.tenantId,
    },
    'request completed',
  );
}
