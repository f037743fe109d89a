import type { FastifyInstance } from 'fastify';
import type { HealthChecks } from './health-checks.ts';

declare module 'fastify' {
  interface FastifySchema {
    /** Read by @fastify/swagger to keep a route out of the API document; declared here so the kit type-checks without it. */
    hide?: boolean;
  }
}

/**
 * Registers the probes on `app` (normally the admin server):
 * - `GET /livez`: 200 `{ status: 'ok' }` while the event loop answers. It runs no
 *   dependency check on purpose: a database outage must not make the orchestrator
 *   restart every replica.
 * - `GET /readyz`: 200 with the report when every check passes, else 503 with
 *   `{ status: 'unavailable', checks: { database: 'timeout after 1000 ms' } }`, or
 *   `{ status: 'shutting_down', checks: {} }` once draining.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { createHealthChecks, registerHealthRoutes } from '@keelson/kit/health';
 * const admin = Fastify();
 * registerHealthRoutes(admin, createHealthChecks());
 * ```
 */
export function registerHealthRoutes(app: FastifyInstance, health: HealthChecks): void {
  app.get('/livez', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const report = await health.run();
    reply.header('cache-control', 'no-store');
    if (report.status === 'unavailable') request.log.warn({ checks: report.checks }, 'readiness check failed');
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
}
