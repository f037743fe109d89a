import type { RequestContext } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import type { AccessRepository, Clock, Scope } from '../ports.ts';
import { formatToken, hashSecret, newSecret } from './api-key-secret.ts';

export interface CreatedKey {
  readonly id: string;
  readonly tenantId: string;
  readonly scopes: readonly Scope[];
  /** The full bearer token. Shown once: only its hash is stored. */
  readonly token: string;
  readonly createdAt: Date;
}

export function createApiKey(deps: { access: AccessRepository; clock: Clock; newId: IdGenerator }) {
  return async (ctx: RequestContext, input: { tenantId: string; scopes: readonly Scope[] }): Promise<CreatedKey> => {
    if (!(await deps.access.getTenant(ctx, input.tenantId))) {
      fail('not_found', 'tenant_not_found', `No such tenant: ${input.tenantId}.`);
    }
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) fail('invalid', 'invalid_request', 'A key needs at least one scope.');
    const id = deps.newId('key');
    const secret = newSecret();
    const createdAt = deps.clock.now();
    await deps.access.insertKey(ctx, {
      id,
      tenantId: input.tenantId,
      secretHash: hashSecret(secret),
      scopes,
      createdAt,
      revokedAt: undefined,
    });
    return { id, tenantId: input.tenantId, scopes, token: formatToken(id, secret), createdAt };
  };
}
