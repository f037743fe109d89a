import type { RequestContext } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { newApiKey, type Scope } from '../../domain/access.ts';
import { fail } from '../../domain/errors.ts';
import type { AccessRepository, Clock } from '../ports.ts';
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
    const secret = newSecret();
    const key = newApiKey({
      id: deps.newId('key'),
      tenantId: input.tenantId,
      secretHash: hashSecret(secret),
      scopes: input.scopes,
      now: deps.clock.now(),
    });
    await deps.access.insertKey(ctx, key);
    return {
      id: key.id,
      tenantId: key.tenantId,
      scopes: key.scopes,
      token: formatToken(key.id, secret),
      createdAt: key.createdAt,
    };
  };
}
