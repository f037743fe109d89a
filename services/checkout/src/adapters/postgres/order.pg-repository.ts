import { autocommit, type Database, type Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import { recordInInbox } from '@keelson/kit/inbox';
import { outboxRowsWritten } from '@keelson/kit/outbox';
import type { OrderRepository } from '../../app/ports.ts';
import { fail } from '../../domain/errors.ts';
import { Order, type OrderState, type Transition } from '../../domain/order.ts';
import { releasesStock } from '../../domain/order-status.ts';
import { pageOf, tenantListRows } from './cursor.ts';
import { type OrderWithLinesRow, orderColumns, ordersWithLinesSql, orderWithLinesFromRow } from './order.rows.ts';
import { placeOrder } from './order-placement.ts';
import { type EventHeaders, eventHeaders, insertOutboxRowsSql, outboxRowsValues } from './outbox.ts';
import { releaseStock } from './stock.ts';

/**
 * An order whose payment is still pending cannot be cancelled or expire: the provider may be
 * capturing its total right now. A payment begins under this same order lock (`payments.begin`),
 * so the check cannot race one that starts.
 */
async function refuseWhilePaymentPending(tx: Queryable, tenantId: string, orderId: string): Promise<void> {
  const { rows } = await tx.query<{ id: string }>(
    "SELECT id FROM payments WHERE tenant_id = $1 AND order_id = $2 AND status = 'pending' LIMIT 1",
    [tenantId, orderId],
  );
  if (rows[0] !== undefined) {
    fail(
      'conflict',
      'payment_in_progress',
      `Order ${orderId} has a payment in progress (${rows[0].id}); try again once it settled.`,
    );
  }
}

/** One order with its lines, in one statement; `where` selects it by `$1` tenant and `$2`. */
async function orderWithLines(reads: Queryable, where: string, tenantId: string, by: string) {
  const { rows } = await reads.query<OrderWithLinesRow>(
    // A locking clause in `where` sits in the sub-select: the lines' aggregate outside it is not locked.
    ordersWithLinesSql(`SELECT ${orderColumns} FROM orders WHERE tenant_id = $1 AND ${where}`),
    [tenantId, by],
  );
  return rows[0] && orderWithLinesFromRow(rows[0]);
}

async function lockOrder(tx: Queryable, tenantId: string, id: string): Promise<OrderState> {
  const current = await orderWithLines(tx, 'id = $2 FOR UPDATE', tenantId, id);
  if (!current) fail('not_found', 'order_not_found', `No such order: ${id}.`);
  return current;
}

/** A transition's row and its event in one statement (one round trip less per transition). */
const transitionSql = `WITH order_written AS (
       UPDATE orders SET status = $10, version = $11, updated_at = $12 WHERE tenant_id = $1 AND id = $13
     )
     ${insertOutboxRowsSql()}`;

/** Writes a transition of a locked order: any stock release, then its row and its event. */
async function writeTransition(
  tx: Queryable,
  newId: IdGenerator,
  tenantId: string,
  { order, event, release }: Transition,
  headers: EventHeaders,
): Promise<void> {
  const o = order.state;
  if (releasesStock(o.status)) await refuseWhilePaymentPending(tx, tenantId, o.id);
  // The order row is locked already (lockOrder); the products are locked here, in id order.
  await releaseStock(tx, tenantId, release, o.updatedAt);
  // The commit then wakes the relays (kit outbox: transactions that wrote no row notify nothing).
  outboxRowsWritten(tx);
  await tx.query(transitionSql, [
    ...outboxRowsValues(newId, tenantId, [event], headers), // $1 the tenant, $2–$9 the event
    o.status,
    o.version,
    o.updatedAt,
    o.id,
  ]);
}

export function createOrderPgRepository(db: Database, newId: IdGenerator): OrderRepository {
  return {
    place(ctx, tenantId, lines, place, idempotencyKey) {
      return placeOrder(db, newId, ctx, tenantId, lines, place, idempotencyKey);
    },

    findByIdempotencyKey(ctx, tenantId, key) {
      const where = 'id = (SELECT order_id FROM order_requests WHERE tenant_id = $1 AND idempotency_key = $2)';
      return orderWithLines(autocommit(db, ctx), where, tenantId, key);
    },

    get: (ctx, tenantId, id) => orderWithLines(autocommit(db, ctx), 'id = $2', tenantId, id),

    async list(ctx, tenantId, filter) {
      // The cursor may name an order of any status; the filter applies to what follows it.
      const rows = await tenantListRows<OrderWithLinesRow>(db, ctx, {
        table: 'orders',
        prefix: 'ord',
        tenantId,
        startingAfter: filter.startingAfter,
        pageSql: ordersWithLinesSql(
          `SELECT ${orderColumns} FROM orders
           WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2) AND ($3::text IS NULL OR status = $3)
           ORDER BY id DESC LIMIT $4`,
        ),
        params: [filter.status ?? null, filter.limit + 1],
      });
      return pageOf(rows.map(orderWithLinesFromRow), filter.limit);
    },

    async listDueForExpiry(ctx, scan) {
      const { rows } = await db.query<{ tenant_id: string; id: string }>(
        ctx,
        `SELECT tenant_id, id FROM orders WHERE status = 'pending_payment' AND expires_at <= $1::timestamptz
         ORDER BY expires_at, id LIMIT $2`,
        [scan.dueBy, scan.limit],
      );
      return rows.map((row) => ({ tenantId: row.tenant_id, id: row.id }));
    },

    update(ctx, tenantId, id, transition): Promise<OrderState> {
      return db.transaction(ctx, async (tx) => {
        const change = transition(Order.fromRow(await lockOrder(tx, tenantId, id)));
        await writeTransition(tx, newId, tenantId, change, eventHeaders(ctx));
        return change.order.state;
      });
    },

    updateOnce(ctx, tenantId, id, receipt, transition) {
      return db.transaction(ctx, async (tx) => {
        if (!(await recordInInbox(tx, receipt.consumer, receipt.eventId, new Date()))) return 'duplicate';
        const change = transition(Order.fromRow(await lockOrder(tx, tenantId, id)));
        if (change === undefined) return 'unchanged';
        await writeTransition(tx, newId, tenantId, change, eventHeaders(ctx));
        return 'applied';
      });
    },
  };
}
