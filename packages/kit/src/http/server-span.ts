import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { withTrace } from '../context/index.ts';
import { type Span, SpanKind, SpanStatusCode, type Tracing, traceparentOf } from '../telemetry/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's SERVER span while tracing is on; null otherwise. */
    serverSpan: Span | null;
  }
}

/** Starts and ends a request's SERVER span (the chassis' exchange step calls both). */
export interface ServerSpans {
  begin(request: FastifyRequest): void;
  end(request: FastifyRequest, reply: FastifyReply): void;
}

/**
 * One SERVER span per request, named by route template (`GET /v1/orders/:id`), never the raw
 * path. Its `traceparent` replaces the caller's in `request.ctx`, so the SQL, provider calls and
 * events the request causes are its children, and the request's log lines carry `trace_id` and
 * `span_id`. Used only when tracing is on.
 */
export function serverSpans(app: FastifyInstance, tracing: Tracing): ServerSpans {
  app.decorateRequest('serverSpan', null);
  return {
    begin(request) {
      const route = request.routeOptions.url ?? 'unmatched';
      const span = tracing.startSpan(`${request.method} ${route}`, {
        kind: SpanKind.SERVER,
        parent: request.ctx.traceparent,
        attributes: { 'http.request.method': request.method, 'http.route': route, 'url.scheme': 'http' },
      });
      request.serverSpan = span;
      request.ctx = withTrace(request.ctx, traceparentOf(span));
      // Every line a recorded request logs carries its trace, so a log search lands on the trace (the
      // access line names it itself; lines through `request.ctx.logger` carry it either way).
      if (span.isRecording()) request.log = request.ctx.logger;
    },
    end(request, reply) {
      const span = request.serverSpan;
      if (span === null) return;
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
