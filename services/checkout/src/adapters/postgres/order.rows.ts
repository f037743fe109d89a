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

interface LineColumns {
  product_id: string;
  quantity: number;
  unit_amount: number;
}

function lineFromRow(row: LineColumns): OrderLine {
  return { productId: row.product_id, quantity: row.quantity, unitAmount: row.unit_amount };
}

function orderFromRow(row: OrderRow, lines: readonly OrderLine[]): OrderState {
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

/**
 * The orders `ordersSql` selects (`orderColumns`), each with its lines in line order as one JSON
 * column `lines`, so a page of orders and their lines is one statement. JSON rather than one row
 * per line: each order's columns (three timestamps to parse) are then read once, not per line.
 */
export function ordersWithLinesSql(ordersSql: string): string {
  return `SELECT o.*, l.lines
          FROM (${ordersSql}) AS o
          CROSS JOIN LATERAL (
            SELECT COALESCE(json_agg(json_build_object(
                     'product_id', product_id, 'quantity', quantity, 'unit_amount', unit_amount) ORDER BY line_no), '[]')
                   AS lines
            FROM order_lines WHERE tenant_id = o.tenant_id AND order_id = o.id) AS l`;
}

export interface OrderWithLinesRow extends OrderRow {
  lines: LineColumns[];
}

export function orderWithLinesFromRow(row: OrderWithLinesRow): OrderState {
  for (const line of row.lines) {
    // In JSON an int8 is a plain number on both engines, past the pg pool's int8 parser: refuse
    // what a number cannot hold exactly, as that parser does, rather than round it.
    if (!Number.isSafeInteger(line.unit_amount)) {
      throw new RangeError(`int8 value ${line.unit_amount} exceeds the safe integer range`);
    }
  }
  return orderFromRow(row, row.lines.map(lineFromRow));
}
