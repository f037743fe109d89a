import type { AccessRepository } from '../../app/ports.ts';
import type { ApiKey, ApiKeySummary, Scope, Tenant } from '../../domain/access.ts';
import { fail } from '../../domain/errors.ts';
import { type Autocommit, checkCursorShape, checkedRows, pageOf } from './cursor.ts';

interface TenantRow {
  id: string;
  name: string;
  created_at: Date;
}

interface KeySummaryRow {
  id: string;
  tenant_id: string;
  scopes: string[];
  plan: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

interface KeyRow extends KeySummaryRow {
  secret_hash: string;
}

function tenantFromRow(row: TenantRow): Tenant {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

function keySummaryFromRow(row: KeySummaryRow): ApiKeySummary {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    // Only the validated scope union is ever written.
    scopes: row.scopes as Scope[],
    plan: row.plan ?? undefined,
    createdAt: row.created_at,
    revokedAt: row.revoked_at ?? undefined,
  };
}

function keyFromRow(row: KeyRow): ApiKey {
  return { ...keySummaryFromRow(row), secretHash: row.secret_hash };
}

const keyColumns = 'id, tenant_id, secret_hash, scopes, plan, created_at, revoked_at';
// Lists never read the hash, so it cannot leak through a mapper or a log line.
const keySummaryColumns = 'id, tenant_id, scopes, plan, created_at, revoked_at';

/**
 * Every method is one statement, so each runs in autocommit: no transaction round trips. The
 * type holds it: this repository is given no way to open a transaction.
 */
export function createAccessPgRepository(db: Autocommit): AccessRepository {
  return {
    async insertTenant(ctx, tenant: Tenant) {
      await db.query(ctx, 'INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)', [
        tenant.id,
        tenant.name,
        tenant.createdAt,
      ]);
    },
    async getTenant(ctx, id) {
      const { rows } = await db.query<TenantRow>(ctx, 'SELECT id, name, created_at FROM tenants WHERE id = $1', [id]);
      return rows[0] && tenantFromRow(rows[0]);
    },
    async listTenants(ctx, filter) {
      checkCursorShape('ten', filter.startingAfter);
      // Tenants are few and listed by operators: the name filter scans rather than needing an index.
      const { refusal, rows } = await checkedRows<TenantRow, 'cursor'>(db, ctx, {
        refusal: `CASE WHEN $1::text IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM tenants WHERE id = $1 AND ($2::text IS NULL OR name = $2)) THEN 'cursor' END`,
        pageSql: `SELECT id, name, created_at FROM tenants
                  WHERE ($1::text IS NULL OR id < $1) AND ($2::text IS NULL OR name = $2)
                  ORDER BY id DESC LIMIT $3`,
        params: [filter.startingAfter ?? null, filter.name ?? null, filter.limit + 1],
      });
      if (refusal !== null) fail('invalid', 'invalid_cursor', 'starting_after does not name a tenant of this list.');
      return pageOf(rows.map(tenantFromRow), filter.limit);
    },
    async countTenants(ctx) {
      const { rows } = await db.query<{ count: number }>(ctx, 'SELECT count(*)::int AS count FROM tenants');
      return rows[0]?.count ?? 0;
    },
    async insertKey(ctx, key) {
      await db.query(ctx, `INSERT INTO api_keys (${keyColumns}) VALUES ($1, $2, $3, $4, $5, $6, NULL)`, [
        key.id,
        key.tenantId,
        key.secretHash,
        key.scopes,
        key.plan ?? null,
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
    async listKeys(ctx, filter) {
      checkCursorShape('key', filter.startingAfter);
      // By tenant this reads api_keys_tenant_idx (tenant_id, id); unfiltered, the primary key.
      const { refusal, rows } = await checkedRows<KeySummaryRow, 'tenant' | 'cursor'>(db, ctx, {
        refusal: `CASE
                    WHEN $1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tenants WHERE id = $1) THEN 'tenant'
                    WHEN $2::text IS NOT NULL AND NOT EXISTS (
                      SELECT 1 FROM api_keys WHERE id = $2 AND ($1::text IS NULL OR tenant_id = $1)) THEN 'cursor'
                  END`,
        pageSql: `SELECT ${keySummaryColumns} FROM api_keys
                  WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR id < $2)
                  ORDER BY id DESC LIMIT $3`,
        params: [filter.tenantId ?? null, filter.startingAfter ?? null, filter.limit + 1],
      });
      if (refusal === 'tenant') fail('not_found', 'tenant_not_found', `No such tenant: ${filter.tenantId}.`);
      if (refusal === 'cursor') fail('invalid', 'invalid_cursor', 'starting_after does not name a key of this list.');
      return pageOf(rows.map(keySummaryFromRow), filter.limit);
    },
  };
}
