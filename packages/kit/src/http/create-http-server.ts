import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Level, Logger } from 'pino';
import { endContext } from '../context/index.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import type { Tracing } from '../telemetry/index.ts';
import { accessLog } from './access-log.ts';
import { trackAllowedMethods } from './allowed-methods.ts';
import { clientErrors } from './client-errors.ts';
import { deferredRequestLogger } from './deferred-request-logger.ts';
import { installDrainBehaviour } from './drain.ts';
import { installExchange } from './exchange.ts';
import { installJsonBodyParser } from './json-body.ts';
import { installProblemReplies, sendProblem } from './problem-replies.ts';
import { attachContext, exchangeOver } from './request-context.hook.ts';
import { requestIdFrom, requestIdHeader } from './request-id.ts';
import { securityHeaders } from './security-headers.ts';

/** Chassis settings; everything but the logger has a production default. */
export interface HttpServerOptions {
  /** The process logger; request loggers are its children, bound to `request_id`. */
  readonly logger: Logger;
  /** Default 1 MiB. Larger bodies get 413 `payload_too_large`. */
  readonly bodyLimitBytes?: number;
  /** Time to receive the whole request (headers + body). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Time to receive the headers; stops slow-header (slowloris) clients. Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Idle time before a kept-alive socket is closed; keep it above the load balancer's. Default 72 s. */
  readonly keepAliveTimeoutMs?: number;
  /**
   * How often Node checks the two timeouts above (its default, 30 s, lets a slow client
   * hold a socket far past them). Default 1 s.
   */
  readonly connectionsCheckingIntervalMs?: number;
  /** Budget of a request without `X-Request-Deadline`. Default 10 s. */
  readonly defaultTimeoutMs?: number;
  /** Longest budget any request gets, whatever its header asks. Default 30 s. */
  readonly maxTimeoutMs?: number;
  /** Records RED metrics for every request when given. */
  readonly metrics?: Metrics;
  /** Fastify's `trustProxy`: which hops may set `X-Forwarded-*`. Default false. */
  readonly trustProxy?: boolean | string | readonly string[];
  /** Level of the access log line. Default `info`; the admin server uses `debug`. */
  readonly accessLogLevel?: Level;
  /** A SERVER span per request when tracing is on (kit `telemetry`). */
  readonly tracing?: Tracing;
  /** Routes under this prefix get a CSP that Swagger UI can run under. Default `/docs`. */
  readonly docsPrefix?: string;
}

/**
 * The HTTP chassis: a Fastify instance with request ids, `request.ctx` with a deadline,
 * one access-log line per request, timeouts, body limit, security headers, problem
 * responses for every error (404/405 included) and drain behaviour for shutdown.
 * Register routes on it afterwards; `listen` is the caller's.
 *
 * @example
 * ```ts
 * import { createHttpServer } from '@keelson/kit/http';
 * import { createLogger } from '@keelson/kit/logging';
 * const app = createHttpServer({ logger: createLogger({ level: 'info' }), defaultTimeoutMs: 2_000 });
 * app.get('/orders/:id', async (request) => ({ id: request.ctx.requestId }));
 * await app.listen({ port: 0 });
 * ```
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = options.headersTimeoutMs ?? (requestTimeout > 0 ? Math.min(10_000, requestTimeout) : 10_000);
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 72_000;
  const accessLogLevel = options.accessLogLevel ?? 'info';
  if (requestTimeout > 0 && headersTimeout > requestTimeout) {
    throw new RangeError('headersTimeoutMs must not exceed requestTimeoutMs.');
  }
  const policy = { defaultTimeoutMs: options.defaultTimeoutMs ?? 10_000, maxTimeoutMs: options.maxTimeoutMs ?? 30_000 };

  const socketErrors = clientErrors(options.logger);
  const headers = securityHeaders({ docsPrefix: options.docsPrefix ?? '/docs' });
  const accessLine = accessLog(options.logger, accessLogLevel);
  // Widened on purpose: services type their plugins against the default FastifyInstance.
  const loggerInstance: FastifyBaseLogger = options.logger;
  const app = Fastify({
    loggerInstance,
    // Our access log is the one line per request; Fastify's would be two more.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: (req) => requestIdFrom(req.headers[requestIdHeader]),
    childLoggerFactory: (logger, bindings, childOptions) =>
      deferredRequestLogger(logger as Logger, bindings, childOptions),
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    // Fastify assigns these two to the server after creating it, so they go to both places.
    requestTimeout,
    keepAliveTimeout,
    http: {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout,
      connectionsCheckingInterval: options.connectionsCheckingIntervalMs ?? 1_000,
      requireHostHeader: false, // see installHostRequirement
    },
    trustProxy: typeof options.trustProxy === 'object' ? [...options.trustProxy] : (options.trustProxy ?? false),
    return503OnClosing: false, // see installDrainBehaviour
    clientErrorHandler: socketErrors.handler,
    // Malformed URLs never reach routing or hooks: answer them the same way here.
    frameworkErrors: (error, request, reply) => {
      attachContext(request, reply, 0);
      headers(request, reply);
      reply.raw.once('close', () => {
        endContext(request.ctx, exchangeOver);
        accessLine(request, reply);
      });
      sendProblem(reply, error);
    },
  });

  // A JSON API: a text/plain body is an unsupported media type (415), not a string to validate.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  const allowedMethods = trackAllowedMethods(app);
  installExchange(app, {
    policy,
    accessLog: accessLine,
    metrics: options.metrics,
    tracing: options.tracing,
    drain: installDrainBehaviour(app),
    securityHeaders: headers,
    rememberReply: socketErrors.rememberReply,
  });
  installProblemReplies(app, allowedMethods);
  return app;
}
