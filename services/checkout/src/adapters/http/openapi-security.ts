import type { FastifySchema, RouteOptions } from 'fastify';

/** The bearer scheme's description: what a key is and how its scopes read in each operation. */
export const apiKeySchemeDescription =
  '`key_….secret` from `keelson keys create`. Each operation lists the scope it needs (`read`, `write` or `admin`; `admin` holds all three); a key without it gets 403 `insufficient_scope`.';

/**
 * The scope a route declares (`config.scope`, the one the authentication hook enforces), as the
 * operation's security requirement: OpenAPI 3.1 lets a non-OAuth scheme list role names there.
 * A route without a scope keeps what its schema says (the public index says `security: []`).
 */
export function withRequiredScope(
  schema: FastifySchema,
  route: Pick<RouteOptions, 'config'> | undefined,
): FastifySchema {
  const scope = route?.config?.scope;
  return scope === undefined ? schema : { ...schema, security: [{ apiKey: [scope] }] };
}
