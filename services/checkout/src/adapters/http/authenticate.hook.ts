import { withTenant } from '@keelson/kit/context';
import type { FastifyInstance } from 'fastify';
import { requireScope } from '../../app/access/authenticate.ts';
import type { Application } from '../../app/application.ts';
import type { Scope } from '../../app/ports.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API-key scope a route requires. */
    scope?: Scope;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Authenticates every request of the scope it is installed in, before the body is parsed,
 * and narrows the request context to the key's tenant.
 */
export function installAuthentication(fastify: FastifyInstance, app: Application): void {
  fastify.addHook('onRequest', async (request) => {
    const principal = await app.access.authenticate(request.ctx, bearerToken(request.headers.authorization));
    requireScope(principal, request.routeOptions.config.scope ?? 'admin');
    request.ctx = withTenant(request.ctx, principal.tenantId);
  });
}
