import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Level, Logger } from 'pino';
import { finalStatus, routeLabel } from '../metrics/http-metrics.fastify.ts';

/** Writes one request's access line; see {@link accessLog}. */
export type AccessLog = (request: FastifyRequest, reply: FastifyReply) => void;

/**
 * One structured line per request, written by the chassis when the exchange ends (also when
 * the client went away): `{ request_id, method, route, status, duration_ms, tenant?, trace_id?,
 * span_id? }`, message `request completed`. Every field is named here and none can carry a
 * secret, so the line goes through a child of `logger` without redaction (pino's redaction of
 * the configured paths cost more than a microsecond a line, on every request), and it is not
 * written through a per-request child: the request id and tenant are fields of the line. The
 * level follows `logger`'s, as set at run time.
 */
export function accessLog(logger: Logger, level: Level): AccessLog {
  const lines = logger.child({}, { redact: [] });
  return (request, reply) => {
    if (!lines.isLevelEnabled(level)) return;
    const span = request.serverSpan?.spanContext();
    lines[level](
      {
        request_id: request.id,
        method: request.method,
        route: routeLabel(request),
        status: finalStatus(reply),
        duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
        // `?.`: ctx is still the decorator's null if the request never got one.
        tenant: request.ctx?.tenantId,
        trace_id: span?.traceId,
        span_id: span?.spanId,
      },
      'request completed',
    );
  };
}
