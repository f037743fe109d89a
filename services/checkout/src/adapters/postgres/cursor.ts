import type { Queryable } from '@keelson/kit/db';
import { isIdOf } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';

/**
 * A cursor is the id of the last item seen. It must be well formed and name a row of the
 * same tenant: a foreign or made-up id is rejected rather than silently paging from it.
 */
export async function assertCursor(
  tx: Queryable,
  table: 'products' | 'orders',
  prefix: 'prod' | 'ord',
  tenantId: string,
  cursor: string,
): Promise<void> {
  if (!isIdOf(prefix, cursor)) fail('invalid', 'invalid_cursor', `starting_after is not a ${prefix} id.`);
  // Table name comes from the closed union above, never from input.
  const found = await tx.query(`SELECT 1 FROM ${table} WHERE tenant_id = $1 AND id = $2`, [tenantId, cursor]);
  if (found.rowCount === 0) fail('invalid', 'invalid_cursor', `starting_after does not name one of your ${table}.`);
}
