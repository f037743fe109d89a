import type { FastifyInstance } from 'fastify';
import { SpanKind, SpanStatusCode, type Tracing, traceparentOf } from '../telemetry/index.ts';

/**
 * One SERVER span per request, named by route template (`GET /v1/orders/:id`), never the raw
 * path. Its `traceparent` replaces the caller's in `request.ctx`, so the SQL, provider calls and
 * events the request causes are its children, and the request's log lines carry `trace_id` and
 * `span_id`. Installed only when tracing is on.
 */
export function installServerSpans(app: FastifyInstance, tracing: Tracing): void {
  if (!tracing.enabled) return;
  app.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracing.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      parent: request.ctx.traceparent,
      attributes: { 'http.request.method': request.method, 'http.route': route, 'url.scheme': 'http' },
    });
    const { traceId, spanId } = span.spanContext();
    // Every line the request logs carries its trace, so a log search lands on the trace.
    const logger = request.ctx.logger.child({ trace_id: traceId, span_id: spanId });
    request.log = logger;
    request.ctx = { ...request.ctx, logger, traceparent: traceparentOf(span) };
    reply.raw.once('close', () => {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    done();
  });
}
