import type { Queryable } from '@keelson/kit/db';
import type { StockMovement } from '../../domain/order.ts';

/** reserveStock's statement; `bench/raw-order-transaction.ts` runs it too. */
export const reserveStockSql = `UPDATE products p SET stock = p.stock - m.quantity, version = p.version + 1, updated_at = $4
     FROM unnest($2::text[], $3::int[]) AS m(product_id, quantity)
     WHERE p.tenant_id = $1 AND p.id = m.product_id AND p.stock >= m.quantity`;

/**
 * Reserves stock with one conditional decrement per product (`stock >= qty`), so stock can
 * never go negative whatever the interleaving. Returns false when any product fell short.
 * The product's version moves too, so a PATCH based on an older read (an absolute `stock`)
 * gets `version_conflict` instead of overwriting the reservation; the order's own event
 * records the movement, so no `product.updated` is written for it.
 */
export async function reserveStock(
  tx: Queryable,
  tenantId: string,
  moves: readonly StockMovement[],
  at: Date,
): Promise<boolean> {
  const result = await tx.query(reserveStockSql, [
    tenantId,
    moves.map((m) => m.productId),
    moves.map((m) => m.quantity),
    at,
  ]);
  return result.rowCount === moves.length;
}

/** Gives reserved stock back (cancellation, expiry). */
export async function releaseStock(
  tx: Queryable,
  tenantId: string,
  moves: readonly StockMovement[],
  at: Date,
): Promise<void> {
  if (moves.length === 0) return;
  // Lock in id order first, as placing an order does: an UPDATE … FROM locks in whatever order
  // the join yields, which deadlocks against a concurrent placement over the same products.
  // NO KEY UPDATE, as placing takes: it does not wait on the order lines' foreign-key KEY SHARE locks.
  await tx.query('SELECT 1 FROM products WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY id FOR NO KEY UPDATE', [
    tenantId,
    moves.map((m) => m.productId),
  ]);
  await tx.query(
    `UPDATE products p SET stock = p.stock + m.quantity, version = p.version + 1, updated_at = $4
     FROM unnest($2::text[], $3::int[]) AS m(product_id, quantity)
     WHERE p.tenant_id = $1 AND p.id = m.product_id`,
    [tenantId, moves.map((m) => m.productId), moves.map((m) => m.quantity), at],
  );
}
