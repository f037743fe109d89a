import type { Queryable } from '@keelson/kit/db';
import type { Currency } from '../../domain/money.ts';
import type { OrderLine, OrderState } from '../../domain/order.ts';
import type { OrderStatus } from '../../domain/order-status.ts';

export const orderColumns =
  'id, tenant_id, status, currency, amount_total, version, expires_at, created_at, updated_at';

export interface OrderRow {
  id: string;
  tenant_id: string;
  status: string;
  currency: string;
  amount_total: number;
  version: number;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

interface LineRow {
  order_id: string;
  product_id: string;
  quantity: number;
  unit_amount: number;
}

export function orderFromRow(row: OrderRow, lines: readonly OrderLine[]): OrderState {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    // Only domain-produced statuses and validated currencies are ever written.
    status: row.status as OrderStatus,
    currency: row.currency as Currency,
    amountTotal: row.amount_total,
    lines,
    version: row.version,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Loads the lines of several orders in one query and attaches them in line order. */
export async function withLines(tx: Queryable, tenantId: string, rows: readonly OrderRow[]): Promise<OrderState[]> {
  if (rows.length === 0) return [];
  const { rows: lineRows } = await tx.query<LineRow>(
    `SELECT order_id, product_id, quantity, unit_amount FROM order_lines
     WHERE tenant_id = $1 AND order_id = ANY($2::text[]) ORDER BY order_id, line_no`,
    [tenantId, rows.map((row) => row.id)],
  );
  const byOrder = new Map<string, OrderLine[]>();
  for (const line of lineRows) {
    const list = byOrder.get(line.order_id) ?? [];
    list.push({ productId: line.product_id, quantity: line.quantity, unitAmount: line.unit_amount });
    byOrder.set(line.order_id, list);
  }
  return rows.map((row) => orderFromRow(row, byOrder.get(row.id) ?? []));
}
