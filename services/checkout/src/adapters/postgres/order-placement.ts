import type { RequestContext } from '@keelson/kit/context';
import { type Database, isUniqueViolation, type Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import type { PlaceOrderOutcome, RequestedLine } from '../../domain/order.ts';
import type { ProductState } from '../../domain/product.ts';
import { orderColumns } from './order.rows.ts';
import { appendToOutbox, eventHeaders } from './outbox.ts';
import { type ProductRow, productColumns, productFromRow } from './product.rows.ts';
import { reserveStock } from './stock.ts';

// The statements of placeOrder, exported so bench/raw-order-transaction.ts runs the same SQL.

/** The products as committed now, read to price the order before anything is locked. */
export const selectProductsSql = `SELECT ${productColumns} FROM products WHERE tenant_id = $1 AND id = ANY($2::text[])`;

/**
 * Locks in id order so two orders over the same products cannot deadlock. NO KEY UPDATE (what
 * the stock UPDATE takes anyway): it does not wait on the KEY SHARE locks that inserting an
 * order line takes on its product (the foreign key), which FOR UPDATE would.
 */
export const lockProductsSql = `${selectProductsSql} ORDER BY id FOR NO KEY UPDATE`;

export const insertOrderSql = `INSERT INTO orders (${orderColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

export const insertOrderLinesSql = `INSERT INTO order_lines (tenant_id, order_id, line_no, product_id, quantity, unit_amount)
           SELECT $1, $2, l.line_no, l.product_id, l.quantity, l.unit_amount
           FROM unnest($3::text[], $4::int[], $5::int8[]) WITH ORDINALITY AS l(product_id, quantity, unit_amount, line_no)`;

type Place = (products: ReadonlyMap<string, ProductState>) => PlaceOrderOutcome;
type Placed = Extract<PlaceOrderOutcome, { ok: true }>;

/**
 * Places an order in one transaction, taking the product locks LATE: the products are read
 * unlocked and priced, the order, its key and its event are written, and only then are the
 * products locked, the pure `place` run again on what is locked, stock reserved and the lines
 * (which reference the products) written. A hot product's row lock is thus held for three
 * statements and the commit instead of five (every order of a flash sale queues on that one
 * lock). What is locked decides, as before (ADR 0018):
 * - stock gone meanwhile → everything written is rolled back and the shortfall answered;
 * - price or currency changed meanwhile → rolled back and placed once more the lock-first way,
 *   which cannot be overtaken, so a placement always ends.
 * Stock can still never go negative: the decrement is conditional and runs under the lock.
 */
export async function placeOrder(
  db: Database,
  newId: IdGenerator,
  ctx: RequestContext,
  tenantId: string,
  lines: readonly RequestedLine[],
  place: Place,
  idempotencyKey: string | undefined,
): Promise<PlaceOrderOutcome> {
  const ids = lines.map((line) => line.productId);
  const writeHead = (tx: Queryable, placed: Placed) => writeOrderHead(tx, newId, ctx, tenantId, placed, idempotencyKey);
  try {
    return await db.transaction(ctx, async (tx) => {
      const priced = place(await productsOf(tx, selectProductsSql, tenantId, ids));
      if (!priced.ok) return priced;
      await writeHead(tx, priced);
      const decided = place(await productsOf(tx, lockProductsSql, tenantId, ids));
      if (!decided.ok || !samePricing(priced, decided)) throw new Overtaken(decided);
      await reserve(tx, tenantId, priced);
      // The lines last, under the lock: their foreign key takes KEY SHARE on the products, and
      // many transactions holding that on one hot row make every stock update of it build a
      // MultiXact of all of them (measured: lines before the lock cut the hot-row rate by a third).
      await writeLines(tx, tenantId, priced);
      return priced;
    });
  } catch (error) {
    if (!(error instanceof Overtaken)) throw translatePlacementError(error);
    if (!error.decided.ok) return error.decided;
  }
  // The price moved between the read and the lock (rare: a product edit during a checkout).
  return db
    .transaction(ctx, async (tx) => {
      const placed = place(await productsOf(tx, lockProductsSql, tenantId, ids));
      if (!placed.ok) return placed;
      await reserve(tx, tenantId, placed);
      await writeHead(tx, placed);
      await writeLines(tx, tenantId, placed);
      return placed;
    })
    .catch((error: unknown) => {
      throw translatePlacementError(error);
    });
}

/** What the locked products decided differs from what was written: roll the transaction back. */
class Overtaken extends Error {
  readonly decided: PlaceOrderOutcome;
  constructor(decided: PlaceOrderOutcome) {
    super('the products changed between pricing and locking');
    this.decided = decided;
  }
}

async function productsOf(
  tx: Queryable,
  sql: string,
  tenantId: string,
  ids: readonly string[],
): Promise<Map<string, ProductState>> {
  const { rows } = await tx.query<ProductRow>(sql, [tenantId, ids]);
  return new Map(rows.map((row) => [row.id, productFromRow(row)]));
}

/** The order as written (currency, lines, unit amounts, total) is the order the locked rows give. */
function samePricing(written: Placed, decided: Placed): boolean {
  const a = written.order.state;
  const b = decided.order.state;
  return (
    a.currency === b.currency &&
    a.amountTotal === b.amountTotal &&
    a.lines.length === b.lines.length &&
    a.lines.every((line, i) => {
      const other = b.lines[i];
      return (
        other !== undefined &&
        line.productId === other.productId &&
        line.quantity === other.quantity &&
        line.unitAmount === other.unitAmount
      );
    })
  );
}

async function reserve(tx: Queryable, tenantId: string, placed: Placed): Promise<void> {
  const o = placed.order.state;
  if (!(await reserveStock(tx, tenantId, placed.reserve, o.createdAt))) {
    // Unreachable while the rows are locked; kept as the invariant's last line of defence.
    throw new Error(`Stock reservation for ${o.id} lost a race it cannot lose under its row locks.`);
  }
}

/** The order row, its key and its event: nothing that references (and so locks) a product. */
async function writeOrderHead(
  tx: Queryable,
  newId: IdGenerator,
  ctx: RequestContext,
  tenantId: string,
  placed: Placed,
  idempotencyKey: string | undefined,
): Promise<void> {
  const o = placed.order.state;
  await tx.query(insertOrderSql, [
    o.id,
    tenantId,
    o.status,
    o.currency,
    o.amountTotal,
    o.version,
    o.expiresAt,
    o.createdAt,
    o.updatedAt,
  ]);
  if (idempotencyKey !== undefined) {
    await tx.query('INSERT INTO order_requests (tenant_id, idempotency_key, order_id) VALUES ($1, $2, $3)', [
      tenantId,
      idempotencyKey,
      o.id,
    ]);
  }
  await appendToOutbox(tx, newId, tenantId, [placed.event], eventHeaders(ctx));
}

async function writeLines(tx: Queryable, tenantId: string, placed: Placed): Promise<void> {
  const o = placed.order.state;
  await tx.query(insertOrderLinesSql, [
    tenantId,
    o.id,
    o.lines.map((l) => l.productId),
    o.lines.map((l) => l.quantity),
    o.lines.map((l) => l.unitAmount),
  ]);
}

function translatePlacementError(error: unknown): unknown {
  if (isUniqueViolation(error, 'order_requests_pkey')) {
    fail(
      'conflict',
      'idempotency_request_in_progress',
      'Another attempt with this Idempotency-Key placed the order.',
      error,
    );
  }
  return error;
}
