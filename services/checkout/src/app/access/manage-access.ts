import type { IdGenerator } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import type { AccessRepository, Clock, Scope, TenantRecord } from '../ports.ts';
import { formatToken, hashSecret, newSecret } from './api-key-secret.ts';

export interface CreatedKey {
  readonly id: string;
  readonly tenantId: string;
  readonly scopes: readonly Scope[];
  /** The full bearer token. Shown once: only its hash is stored. */
  readonly token: string;
  readonly createdAt: Date;
}

export function createTenant(deps: { access: AccessRepository; clock: Clock; newId: IdGenerator }) {
  return async (input: { name: string }): Promise<TenantRecord> => {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200)
      fail('invalid', 'invalid_request', 'Tenant name must be 1–200 characters.');
    const tenant = { id: deps.newId('ten'), name, createdAt: deps.clock.now() };
    await deps.access.insertTenant(tenant);
    return tenant;
  };
}

export function createApiKey(deps: { access: AccessRepository; clock: Clock; newId: IdGenerator }) {
  return async (input: { tenantId: string; scopes: readonly Scope[] }): Promise<CreatedKey> => {
    if (!(await deps.access.getTenant(input.tenantId))) {
      fail('not_found', 'tenant_not_found', `No such tenant: ${input.tenantId}.`);
    }
    const scopes = [...new Set(input.scopes)];
    if (scopes.length === 0) fail('invalid', 'invalid_request', 'A key needs at least one scope.');
    const id = deps.newId('key');
    const secret = newSecret();
    const createdAt = deps.clock.now();
    await deps.access.insertKey({
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

export function revokeApiKey(deps: { access: AccessRepository; clock: Clock }) {
  return async (input: { keyId: string }): Promise<{ id: string; tenantId: string; revokedAt: Date }> => {
    const key = await deps.access.revokeKey(input.keyId, deps.clock.now());
    if (!key?.revokedAt) fail('not_found', 'api_key_not_found', `No such API key: ${input.keyId}.`);
    return { id: key.id, tenantId: key.tenantId, revokedAt: key.revokedAt };
  };
}
