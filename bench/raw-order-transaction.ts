import type { IdGenerator } from '@keelson/kit/ids';
import type pg from 'pg';
import {
  insertLinesAndEventSql,
  insertOrderSql,
  lockProductsSql,
  selectProductsSql,
} from '../services/checkout/src/adapters/postgres/order-placement.ts';
import { reserveStockSql } from '../services/checkout/src/adapters/postgres/stock.ts';

/*
 * The order-placing transaction as raw SQL on a bare pg pool, for the raw-SQL baseline. The
 * statements are the repository's own (imported from order-placement.ts, stock.ts and
 * outbox.ts, so they cannot drift); what is mirrored by hand, and must be kept in sync, is:
 *   - the parameters each statement is given, in the order place() gives them;
 *   - packages/kit/src/db/pg-database.ts transaction(): the session statement_timeout is set
 *     once per connection (its budget bucket, ADR 0005), then BEGIN, COMMIT, ROLLBACK on failure;
 *   - the in-memory part of services/checkout/src/domain/order.ts Order.place() (price
 *     snapshot, total, stock check, the event whose data is the order state).
 * Seven round trips in steady state, in placeOrder's order (products locked late, ADR 0018):
 * BEGIN, SELECT, INSERT orders, SELECT … FOR NO KEY UPDATE, UPDATE, INSERT order_lines + outbox
 * (one statement), COMMIT.
 */

/** The bucket the service's default 5 s budget falls in (timeoutBucketMs(≈4990) = 4608). */
const statementTimeoutMs = 4_608;
/** Connections whose session already runs under statementTimeoutMs, as the service tracks them. */
const configured = new WeakSet<pg.PoolClient>();
/** The service's default KEELSON_ORDER_TTL_SECONDS. */
const orderTtlMs = 1_800 * 1_000;

interface ProductRow {
  id: string;
  unit_amount: string | number;
  currency: string;
  stock: number;
}

export interface OrderLineInput {
  readonly productId: string;
  readonly quantity: number;
}

/** Places one order in its own transaction on a pooled connection; returns its id, throws on any failure. */
export async function placeOrderRaw(
  pool: pg.Pool,
  newId: IdGenerator,
  tenantId: string,
  requested: readonly OrderLineInput[],
): Promise<string> {
  const client = await pool.connect();
  let broken = false;
  try {
    if (configured.has(client)) {
      await client.query('BEGIN');
    } else {
      await client.query(`SET statement_timeout = ${statementTimeoutMs}; BEGIN`);
      configured.add(client);
    }
    const orderId = newId('ord');
    const ids = requested.map((line) => line.productId);
    const { rows } = await client.query<ProductRow>(selectProductsSql, [tenantId, ids]);
    const products = new Map(rows.map((row) => [row.id, row]));
    const lines = requested.map((line) => {
      const product = products.get(line.productId);
      if (!product) throw new Error(`unknown product ${line.productId}`);
      if (product.stock < line.quantity) throw new Error(`insufficient stock for ${line.productId}`);
      return { productId: line.productId, quantity: line.quantity, unitAmount: Number(product.unit_amount) };
    });
    const now = new Date();
    const state = {
      id: orderId,
      tenantId,
      status: 'pending_payment',
      currency: rows[0]?.currency ?? 'USD',
      amountTotal: lines.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0),
      lines,
      version: 1,
      expiresAt: new Date(now.getTime() + orderTtlMs),
      createdAt: now,
      updatedAt: now,
    };

    await client.query(insertOrderSql, [
      state.id,
      tenantId,
      state.status,
      state.currency,
      state.amountTotal,
      state.version,
      state.expiresAt,
      state.createdAt,
      state.updatedAt,
    ]);
    const locked = await client.query<ProductRow>(lockProductsSql, [tenantId, ids]);
    const lockedById = new Map(locked.rows.map((row) => [row.id, row]));
    for (const line of lines) {
      const product = lockedById.get(line.productId);
      if (!product || product.stock < line.quantity || Number(product.unit_amount) !== line.unitAmount)
        throw new Error(`${line.productId} changed before it was locked`);
    }
    const reserved = await client.query(reserveStockSql, [
      tenantId,
      lines.map((l) => l.productId),
      lines.map((l) => l.quantity),
      now,
    ]);
    if (reserved.rowCount !== lines.length) throw new Error(`stock reservation for ${orderId} failed`);

    await client.query(insertLinesAndEventSql, [
      tenantId,
      state.id,
      lines.map((l) => l.productId),
      lines.map((l) => l.quantity),
      lines.map((l) => l.unitAmount),
      newId('evt'),
      tenantId,
      'order.created',
      'order',
      state.id,
      state.version,
      state.updatedAt,
      JSON.stringify(state),
      JSON.stringify({ 'x-request-id': orderId }),
    ]);
    await client.query('COMMIT');
    return orderId;
  } catch (error) {
    configured.delete(client);
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
