import type { RequestContext } from '@keelson/kit/context';
import { type ApiKey, isActive, type Scope, scopesAllow } from '../../domain/access.ts';
import { fail } from '../../domain/errors.ts';
import type { AccessRepository, CachedKey, KeyCache } from '../ports.ts';
import { parseToken, secretMatches } from './api-key-secret.ts';

export interface Principal {
  readonly tenantId: string;
  readonly keyId: string;
  readonly scopes: readonly Scope[];
  /** The key's rate-limit plan; `undefined` = the default plan. */
  readonly plan: string | undefined;
}

const rejection = 'Missing, malformed, unknown or revoked API key.';

/** A key read straight from the repository, checked by hash every time (no cache configured). */
function uncached(key: ApiKey | undefined): CachedKey {
  return { key, matches: (secret) => key !== undefined && secretMatches(secret, key.secretHash) };
}

/** Resolves a bearer token to its tenant. Every failure looks the same to the caller. */
export function authenticate(deps: { access: AccessRepository; keyCache?: KeyCache }) {
  const entryFor = async (ctx: RequestContext, keyId: string): Promise<CachedKey> => {
    const lookup = deps.keyCache?.lookup(keyId);
    if (lookup?.hit) return lookup.entry;
    const key = await deps.access.findKey(ctx, keyId);
    return lookup === undefined ? uncached(key) : lookup.remember(key);
  };
  return async (ctx: RequestContext, token: string | undefined): Promise<Principal> => {
    const parsed = token === undefined ? undefined : parseToken(token);
    if (!parsed) fail('unauthenticated', 'invalid_api_key', rejection);
    const { key, matches } = await entryFor(ctx, parsed.keyId);
    if (!key || !isActive(key) || !matches(parsed.secret)) {
      fail('unauthenticated', 'invalid_api_key', rejection);
    }
    return { tenantId: key.tenantId, keyId: key.id, scopes: key.scopes, plan: key.plan };
  };
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!scopesAllow(principal.scopes, scope)) {
    fail('forbidden', 'insufficient_scope', `This API key lacks the '${scope}' scope.`);
  }
}
