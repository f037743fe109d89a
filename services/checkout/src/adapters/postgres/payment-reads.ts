import type { DeadlineScope } from '@keelson/kit/db';
import type { PendingScan } from '../../app/ports.ts';
import type { Autocommit } from './cursor.ts';

/**
 * The single-statement reads payments and refunds share: one row by id or by the client's
 * Idempotency-Key (each unique per tenant), and the oldest pending rows of every tenant, for
 * reconcile (served by the `…_pending_idx` partial index).
 */
export function recordReads<Row, Item>(
  db: Autocommit,
  table: 'payments' | 'refunds',
  columns: string,
  fromRow: (row: Row) => Item,
) {
  // The table name and columns come from the closed set above and the rows modules, never from input.
  const one = async (scope: DeadlineScope, tenantId: string, by: 'id' | 'idempotency_key', value: string) => {
    const { rows } = await db.query<Row>(scope, `SELECT ${columns} FROM ${table} WHERE tenant_id = $1 AND ${by} = $2`, [
      tenantId,
      value,
    ]);
    return rows[0] && fromRow(rows[0]);
  };
  return {
    byId: (scope: DeadlineScope, tenantId: string, id: string) => one(scope, tenantId, 'id', id),
    byIdempotencyKey: (scope: DeadlineScope, tenantId: string, key: string) =>
      one(scope, tenantId, 'idempotency_key', key),
    async pending(scope: DeadlineScope, scan: PendingScan): Promise<Item[]> {
      const { rows } = await db.query<Row>(
        scope,
        `SELECT ${columns} FROM ${table} WHERE status = 'pending' AND created_at < $1 ORDER BY created_at, id LIMIT $2`,
        [scan.olderThan, scan.limit],
      );
      return rows.map(fromRow);
    },
  };
}
