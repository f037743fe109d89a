import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Histogram } from 'prom-client';
import { isSampled } from '../telemetry/index.ts';
import type { HttpLabel, Metrics } from './create-metrics.ts';

/** The route label of requests no route matched: one value, so scanners cannot explode cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Status recorded for a request whose connection closed before the response
 * completed (nginx's convention), so abandoned work stays visible.
 */
export const CLIENT_CLOSED_REQUEST = 499;

/** The route pattern (`/orders/:id`) a request matched, or {@link UNMATCHED_ROUTE}. */
export function routeLabel(request: FastifyRequest): string {
  return request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
}

/**
 * The status a finished exchange ended with: the sent code, or 499 when it was cut short.
 * A request whose body arrives too slowly is answered 408 through its own reply by the
 * HTTP chassis (see `clientErrors`), so it is recorded as the 408 the client got.
 */
export function finalStatus(reply: FastifyReply): number {
  return reply.raw.writableFinished ? reply.statusCode : CLIENT_CLOSED_REQUEST;
}

/**
 * Records `http_requests_in_flight` and `http_request_duration_seconds` for every
 * request of a bare Fastify `app` (`createHttpServer` records them in its own exchange step).
 *
 * The raw response's `close` event is used instead of `onResponse` because it fires
 * exactly once for every exchange, including ones the client abandoned; with
 * `onResponse` the in-flight gauge would leak on every disconnect.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createMetrics, installHttpMetrics } from '@keelson/kit/metrics';
 * const app = Fastify();
 * installHttpMetrics(app, createMetrics());
 * ```
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', (request, reply, done) => {
    metrics.httpRequestsInFlight.inc();
    reply.raw.once('close', () => recordExchange(metrics, request, reply));
    done();
  });
}

/**
 * The trace id of a sampled W3C `traceparent` (`00-<trace>-<span>-<flags>`), else undefined:
 * an exemplar must point at a trace the backend actually received.
 */
export function sampledTraceId(traceparent: string | undefined): string | undefined {
  if (traceparent === undefined || traceparent.length !== 55) return undefined;
  return isSampled(traceparent) ? traceparent.slice(3, 35) : undefined;
}

/**
 * An exchange is over: one less in flight, its duration observed under method, route and status.
 * With exemplars on (tracing on), through prom-client's exemplar-capable `observe`: a sampled
 * request leaves `{trace_id}` on its bucket; a service without tracing keeps the plain
 * observation. `request.ctx` is read now, after the server span (kit `http`) replaced the
 * caller's traceparent with its own.
 */
export function recordExchange(metrics: Metrics, request: FastifyRequest, reply: FastifyReply): void {
  metrics.httpRequestsInFlight.dec();
  const labels = { method: request.method, route: routeLabel(request), status: String(finalStatus(reply)) };
  if (!metrics.exemplars) {
    metrics.httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
    return;
  }
  // Safe: `trace_id` is an exemplar label, not a series label; prom-client types both alike.
  const histogram = metrics.httpRequestDuration as unknown as Histogram<HttpLabel | 'trace_id'>;
  const traceId = sampledTraceId(request.ctx?.traceparent);
  histogram.observe({
    labels,
    value: reply.elapsedTime / 1000,
    ...(traceId === undefined ? {} : { exemplarLabels: { trace_id: traceId } }),
  });
}
