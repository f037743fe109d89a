import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerHealthRoutes } from '../health/health.fastify.ts';
import type { HealthChecks } from '../health/health-checks.ts';
import { createHttpServer, type HttpServerOptions } from '../http/create-http-server.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { expose } from '../metrics/exposition.ts';

/** What the admin server exposes, and the chassis settings it runs with. */
export interface AdminServerOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly health: HealthChecks;
  /** Chassis settings (timeouts, trustProxy); metrics and access-log level are fixed here. */
  readonly http?: Omit<HttpServerOptions, 'logger' | 'metrics' | 'accessLogLevel'>;
}

/**
 * The operator-facing server, on its own port so it is never exposed with the API:
 * `GET /metrics` (Prometheus text, or OpenMetrics with exemplars when the scraper asks for it),
 * `GET /livez`, `GET /readyz`. The service adds its admin routes to it. Built on the same
 * chassis as the API (problems, request ids, timeouts), but its access log is at debug (probes
 * and scrapes every few seconds would drown the API's lines) and it records no HTTP metrics (scrapes would skew them).
 *
 * @example
 * ```ts
 * import { createHealthChecks } from '@keelson/kit/health';
 * import { createAdminServer } from '@keelson/kit/lifecycle';
 * import { createLogger } from '@keelson/kit/logging';
 * import { createMetrics } from '@keelson/kit/metrics';
 * const admin = createAdminServer({
 *   logger: createLogger({ level: 'info' }),
 *   metrics: createMetrics(),
 *   health: createHealthChecks(),
 * });
 * await admin.listen({ port: 9090, host: '0.0.0.0' });
 * ```
 */
export function createAdminServer(options: AdminServerOptions): FastifyInstance {
  const app = createHttpServer({ ...options.http, logger: options.logger, accessLogLevel: 'debug' });
  const { registry } = options.metrics;
  app.get('/metrics', async (request, reply) => {
    const { contentType, body } = await expose(registry, request.headers.accept);
    return reply.header('content-type', contentType).send(body);
  });
  registerHealthRoutes(app, options.health);
  return app;
}
