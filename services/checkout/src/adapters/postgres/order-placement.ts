import type { RequestContext } from '@keelson/kit/context';
import { type Database, isUniqueViolation, type Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import { outboxRowsWritten } from '@keelson/kit/outbox';
import { fail } from '../../domain/errors.ts';
import type { PlaceOrderOutcome, RequestedLine } from '../../domain/order.ts';
import type { ProductState } from '../../domain/product.ts';
import { orderColumns } from './order.rows.ts';
import { eventHeaders, outboxColumns, outboxRowValues } from './outbox.ts';
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

/**
 * The order's lines and its event in one round trip, under the products' locks: a data-modifying
 * CTE runs whether or not the outer statement reads it. $1 tenant, $2 order, $3–$5 the lines'
 * products, quantities and unit amounts, $6–$14 the event row ({@link outboxRowValues}).
 */
export const insertLinesAndEventSql = `WITH lines AS (
           INSERT INTO order_lines (tenant_id, order_id, line_no, product_id, quantity, unit_amount)
           SELECT $1, $2, l.line_no, l.product_id, l.quantity, l.unit_amount
           FROM unnest($3::text[], $4::int[], $5::int8[]) WITH ORDINALITY AS l(product_id, quantity, unit_amount, line_no))
         INSERT INTO outbox (${outboxColumns}) VALUES ($6, $7, $8, $9, $10, $11, $12, $13, $14)`;

type Place = (products: ReadonlyMap<string, ProductState>) => PlaceOrderOutcome;
type Placed = Extract<PlaceOrderOutcome, { ok: true }>;

/** Tries of the late-lock order before the lock-first one (each overtaken only by a price edit). */
const lateAttempts = 3;

/**
 * Places an order in one transaction, taking the product locks LATE: the products are read
 * unlocked and priced, the order row and its Idempotency-Key are written, and only then are the
 * products locked, the pure `place` run again on what is locked, stock reserved, and the lines and
 * the event written. A hot product's row lock is thus held for three statements and the commit
 * instead of five (every order of a flash sale queues on that one lock). What is locked decides,
 * as before (ADR 0018):
 * - stock gone meanwhile → everything written is rolled back and the shortfall answered;
 * - price or currency changed meanwhile → rolled back and tried again, at most `lateAttempts`
 *   times, then once the lock-first way, which nothing can overtake, so a placement always ends.
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
  const write = { newId, ctx, tenantId, idempotencyKey };
  for (let attempt = 1; attempt <= lateAttempts; attempt += 1) {
    try {
      return await db.transaction(ctx, async (tx) => {
        const priced = place(await productsOf(tx, selectProductsSql, tenantId, ids));
        if (!priced.ok) return priced;
        await writeOrderRow(tx, write, priced);
        const decided = place(await productsOf(tx, lockProductsSql, tenantId, ids));
        if (!decided.ok || !samePricing(priced, decided)) throw new Overtaken(decided);
        // The products' updated_at is the time read after the lock, as before: never older than
        // what a change committed while this placement waited for it.
        await reserve(tx, tenantId, priced, decided.order.state.createdAt);
        await writeLinesAndEvent(tx, write, priced);
        return priced;
      });
    } catch (error) {
      if (!(error instanceof Overtaken)) throw translatePlacementError(error);
      if (!error.decided.ok) return error.decided;
    }
  }
  // Overtaken by price edits every time: lock first. Its order (products, then the key) is the
  // reverse of the late one's, so an attempt with the same Idempotency-Key running the late order
  // at that moment can deadlock with it (40P01: rolled back, answered 503 and safe to retry).
  return db
    .transaction(ctx, async (tx) => {
      const placed = place(await productsOf(tx, lockProductsSql, tenantId, ids));
      if (!placed.ok) return placed;
      await reserve(tx, tenantId, placed, placed.order.state.createdAt);
      await writeOrderRow(tx, write, placed);
      await writeLinesAndEvent(tx, write, placed);
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

async function reserve(tx: Queryable, tenantId: string, placed: Placed, at: Date): Promise<void> {
  if (!(await reserveStock(tx, tenantId, placed.reserve, at))) {
    // Unreachable while the rows are locked; kept as the invariant's last line of defence.
    throw new Error(`Stock reservation for ${placed.order.state.id} lost a race it cannot lose under its row locks.`);
  }
}

/** What the writes of a placement need besides the transaction and the order. */
interface PlacementWrite {
  readonly newId: IdGenerator;
  readonly ctx: RequestContext;
  readonly tenantId: string;
  readonly idempotencyKey: string | undefined;
}

/** The order row and its key: nothing that references (and so locks) a product. */
async function writeOrderRow(tx: Queryable, write: PlacementWrite, placed: Placed): Promise<void> {
  const o = placed.order.state;
  await tx.query(insertOrderSql, [
    o.id,
    write.tenantId,
    o.status,
    o.currency,
    o.amountTotal,
    o.version,
    o.expiresAt,
    o.createdAt,
    o.updatedAt,
  ]);
  if (write.idempotencyKey !== undefined) {
    await tx.query('INSERT INTO order_requests (tenant_id, idempotency_key, order_id) VALUES ($1, $2, $3)', [
      write.tenantId,
      write.idempotencyKey,
      o.id,
    ]);
  }
}

/**
 * The lines and the event, under the products' locks, in one statement. The lines' foreign key
 * takes KEY SHARE on the products: many transactions holding that on one hot row make every stock
 * update of it build a MultiXact of all of them (measured: lines before the lock cut the hot-row
 * rate by a third). The event's id is drawn here, just before the commit: `GET /v1/events` pages by
 * id, which it takes as commit order, and an id drawn before a wait for the lock would commit
 * behind later ones. One statement, not two: the lock is held for one round trip less (measured:
 * two statements put the hot-row rate back at the lock-first one's, ADR 0018).
 */
async function writeLinesAndEvent(tx: Queryable, write: PlacementWrite, placed: Placed): Promise<void> {
  const o = placed.order.state;
  outboxRowsWritten(tx); // the commit wakes the relays
  await tx.query(insertLinesAndEventSql, [
    write.tenantId,
    o.id,
    o.lines.map((l) => l.productId),
    o.lines.map((l) => l.quantity),
    o.lines.map((l) => l.unitAmount),
    ...outboxRowValues(write.newId, write.tenantId, placed.event, eventHeaders(write.ctx)),
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
