import type { IdGenerator } from '@keelson/kit/ids';
import type pg from 'pg';

/*
 * The order-placing transaction as raw SQL, statement for statement, for the raw-SQL baseline.
 * It MIRRORS (keep in sync when they change):
 *   - packages/kit/src/db/pg-database.ts         transaction(): the session statement_timeout is set once
 *                                                 per connection (its budget bucket, ADR 0005), then
 *                                                 `BEGIN`, COMMIT, ROLLBACK on failure
 *   - services/checkout/src/adapters/postgres/order.pg-repository.ts   place()
 *   - services/checkout/src/adapters/postgres/stock.ts                 reserveStock()
 *   - services/checkout/src/adapters/postgres/outbox.ts                appendToOutbox()
 *   - services/checkout/src/adapters/postgres/{order,product}.rows.ts  column lists
 * and the in-memory part of services/checkout/src/domain/order.ts Order.place() (price
 * snapshot, total, stock check, the event whose data is the order state).
 * Seven round trips in steady state: BEGIN, SELECT … FOR UPDATE, UPDATE, 3 × INSERT, COMMIT.
 */

const productColumns = 'id, tenant_id, sku, name, unit_amount, currency, stock, version, created_at, updated_at';
const orderColumns = 'id, tenant_id, status, currency, amount_total, version, expires_at, created_at, updated_at';

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

/** Places one order in its own transaction on a pooled connection; throws on any failure. */
export async function placeOrderRaw(
  pool: pg.Pool,
  newId: IdGenerator,
  tenantId: string,
  requested: readonly OrderLineInput[],
): Promise<void> {
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
    const { rows } = await client.query<ProductRow>(
      `SELECT ${productColumns} FROM products WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY id FOR UPDATE`,
      [tenantId, requested.map((line) => line.productId)],
    );
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

    const reserved = await client.query(
      `UPDATE products p SET stock = p.stock - m.quantity, version = p.version + 1, updated_at = $4
     FROM unnest($2::text[], $3::int[]) AS m(product_id, quantity)
     WHERE p.tenant_id = $1 AND p.id = m.product_id AND p.stock >= m.quantity`,
      [tenantId, lines.map((l) => l.productId), lines.map((l) => l.quantity), now],
    );
    if (reserved.rowCount !== lines.length) throw new Error(`stock reservation for ${orderId} failed`);

    await client.query(`INSERT INTO orders (${orderColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
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
    await client.query(
      `INSERT INTO order_lines (tenant_id, order_id, line_no, product_id, quantity, unit_amount)
           SELECT $1, $2, l.line_no, l.product_id, l.quantity, l.unit_amount
           FROM unnest($3::text[], $4::int[], $5::int8[]) WITH ORDINALITY AS l(product_id, quantity, unit_amount, line_no)`,
      [tenantId, state.id, lines.map((l) => l.productId), lines.map((l) => l.quantity), lines.map((l) => l.unitAmount)],
    );
    await client.query(
      `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        newId('evt'),
        tenantId,
        'order.created',
        'order',
        state.id,
        state.version,
        state.updatedAt,
        JSON.stringify(state),
      ],
    );
    await client.query('COMMIT');
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
