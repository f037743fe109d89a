import { withTenant } from '@keelson/kit/context';
import type { FastifyInstance } from 'fastify';
import { type Principal, requireScope } from '../../app/access/authenticate.ts';
import type { Application } from '../../app/application.ts';
import type { Scope } from '../../domain/access.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API-key scope a route requires. */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** The authenticated key (set by the authentication hook), e.g. for its rate-limit plan; null before. */
    principal: Principal | null;
  }
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235). */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/**
 * Authenticates every request of the scope it is installed in, before the body is parsed,
 * and narrows the request context to the key's tenant. A route registered in that scope
 * without a declared `scope` fails the server's start: an undeclared scope cannot ship.
 */
export function installAuthentication(fastify: FastifyInstance, app: Application): void {
  fastify.addHook('onRoute', (route) => {
    if (route.config?.scope === undefined) {
      throw new Error(`${String(route.method)} ${route.url}: an authenticated route must declare its scope`);
    }
  });
  if (!fastify.hasRequestDecorator('principal')) fastify.decorateRequest('principal', null);
  fastify.addHook('onRequest', async (request) => {
    const principal = await app.access.authenticate(request.ctx, bearerToken(request.headers.authorization));
    // Never reached without a scope (onRoute above); 'admin' keeps the fallback the strictest.
    requireScope(principal, request.routeOptions.config.scope ?? 'admin');
    request.ctx = withTenant(request.ctx, principal.tenantId);
    request.principal = principal;
  });
}
