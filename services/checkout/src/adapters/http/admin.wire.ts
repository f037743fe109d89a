import type { CreatedKey } from '../../app/access/create-api-key.ts';
import type { RevokedKey } from '../../app/access/revoke-api-key.ts';
import type { Tenant } from '../../domain/access.ts';

// One JSON shape for tenants and keys, shared by the admin API and the CLI's --json output.

export function tenantToWire(t: Tenant) {
  return { object: 'tenant' as const, id: t.id, name: t.name, created_at: t.createdAt.toISOString() };
}

export function keyToWire(k: CreatedKey) {
  return {
    object: 'api_key' as const,
    id: k.id,
    tenant_id: k.tenantId,
    scopes: k.scopes,
    token: k.token,
    created_at: k.createdAt.toISOString(),
  };
}

export function revokedKeyToWire(k: RevokedKey) {
  return { object: 'api_key' as const, id: k.id, tenant_id: k.tenantId, revoked_at: k.revokedAt.toISOString() };
}
