import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { endContext } from '../context/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { recordExchange } from '../metrics/http-metrics.fastify.ts';
import type { Tracing } from '../telemetry/index.ts';
import type { AccessLog } from './access-log.ts';
import type { DeadlinePolicy } from './deadline.ts';
import type { Drain } from './drain.ts';
import { decorateExchangeEnd, runExchangeEndSteps } from './exchange-end.ts';
import { missingHost } from './host-header.ts';
import { beginContext, decorateContext, exchangeOver } from './request-context.hook.ts';
import { type ServerSpans, serverSpans } from './server-span.ts';

/** What the chassis does for every exchange; each part is one module's. */
export interface ExchangeParts {
  readonly policy: DeadlinePolicy;
  readonly accessLog: AccessLog;
  readonly metrics: Metrics | undefined;
  readonly tracing: Tracing | undefined;
  readonly drain: Drain;
  readonly securityHeaders: (request: FastifyRequest, reply: FastifyReply) => void;
  /** Remembers the reply open on the request's socket, for errors the socket raises later. */
  readonly rememberReply: (request: FastifyRequest, reply: FastifyReply) => void;
}

/**
 * The chassis' per-request work as ONE `onRequest` hook and ONE `close` listener, in a fixed
 * order, instead of a hook and a listener per concern: the read path's profile had Fastify's
 * hook iteration and EventEmitter listener bookkeeping among its top costs.
 *
 * When a request arrives: count it (metrics, drain), give it its id header and `request.ctx`,
 * its SERVER span (tracing on), the security headers; then refuse it if its deadline header is
 * malformed or past, it lacks `Host`, or the server is draining. When the response closes
 * (sent, or the client went away): end the span and the context's signal, record the metrics,
 * write the access line, uncount it, run the steps later hooks added ({@link atExchangeEnd}).
 */
export function installExchange(app: FastifyInstance, parts: ExchangeParts): void {
  decorateContext(app);
  decorateExchangeEnd(app);
  const spans: ServerSpans | undefined = parts.tracing?.enabled === true ? serverSpans(app, parts.tracing) : undefined;
  const { metrics, drain, accessLog } = parts;

  const end = (request: FastifyRequest, reply: FastifyReply): void => {
    spans?.end(request, reply);
    // Null when the request was refused before its context existed (never, today: kept safe).
    if (request.ctx !== null) endContext(request.ctx, exchangeOver);
    if (metrics !== undefined) recordExchange(metrics, request, reply);
    accessLog(request, reply);
    drain.end();
    runExchangeEndSteps(reply);
  };

  app.addHook('onRequest', (request, reply, done) => {
    metrics?.httpRequestsInFlight.inc();
    drain.begin();
    reply.raw.once('close', () => end(request, reply));
    parts.rememberReply(request, reply);
    const refusal = beginContext(request, reply, parts.policy);
    spans?.begin(request);
    parts.securityHeaders(request, reply);
    done(refusal ?? missingHost(request) ?? drain.refusal());
  });
}
