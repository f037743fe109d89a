import type { Database } from '@keelson/kit/db';
import type { AccessRepository } from '../../app/ports.ts';
import type { ApiKey, Scope, Tenant } from '../../domain/access.ts';

interface KeyRow {
  id: string;
  tenant_id: string;
  secret_hash: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
}

function keyFromRow(row: KeyRow): ApiKey {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    secretHash: row.secret_hash,
    // Only the validated scope union is ever written.
    scopes: row.scopes as Scope[],
    createdAt: row.created_at,
    revokedAt: row.revoked_at ?? undefined,
  };
}

const keyColumns = 'id, tenant_id, secret_hash, scopes, created_at, revoked_at';

/** Every method is one statement, so each runs in autocommit: no transaction round trips. */
export function createAccessPgRepository(db: Database): AccessRepository {
  return {
    async insertTenant(ctx, tenant: Tenant) {
      await db.query(ctx, 'INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)', [
        tenant.id,
        tenant.name,
        tenant.createdAt,
      ]);
    },
    async getTenant(ctx, id) {
      const { rows } = await db.query<{ id: string; name: string; created_at: Date }>(
        ctx,
        'SELECT id, name, created_at FROM tenants WHERE id = $1',
        [id],
      );
      return rows[0] && { id: rows[0].id, name: rows[0].name, createdAt: rows[0].created_at };
    },
    async countTenants(ctx) {
      const { rows } = await db.query<{ count: number }>(ctx, 'SELECT count(*)::int AS count FROM tenants');
      return rows[0]?.count ?? 0;
    },
    async insertKey(ctx, key) {
      await db.query(ctx, `INSERT INTO api_keys (${keyColumns}) VALUES ($1, $2, $3, $4, $5, NULL)`, [
        key.id,
        key.tenantId,
        key.secretHash,
        key.scopes,
        key.createdAt,
      ]);
    },
    async revokeKey(ctx, id, at) {
      // Revoking twice keeps the first revocation time.
      const { rows } = await db.query<KeyRow>(
        ctx,
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${keyColumns}`,
        [id, at],
      );
      return rows[0] && keyFromRow(rows[0]);
    },
    async findKey(ctx, id) {
      const { rows } = await db.query<KeyRow>(ctx, `SELECT ${keyColumns} FROM api_keys WHERE id = $1`, [id]);
      return rows[0] && keyFromRow(rows[0]);
    },
  };
}
