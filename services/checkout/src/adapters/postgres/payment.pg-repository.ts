import { type Database, isUniqueViolation } from '@keelson/kit/db';
import { type IdGenerator, isIdOf } from '@keelson/kit/ids';
import type { PaymentRepository } from '../../app/ports.ts';
import { fail } from '../../domain/errors.ts';
import { Order } from '../../domain/order.ts';
import { checkedRows, pageOf } from './cursor.ts';
import { eventHeaders } from './outbox.ts';
import { type PaymentRow, paymentColumns, paymentFromRow, paymentValues } from './payment.rows.ts';
import { recordReads } from './payment-reads.ts';
import { refundMethods } from './refund.pg-repository.ts';
import { lockOrder, lockOrderAndPayment, writeSettlement } from './settlement.ts';

const insertPaymentSql = `INSERT INTO payments (${paymentColumns})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
  ON CONFLICT (tenant_id, order_id) WHERE status IN ('pending', 'succeeded') DO NOTHING`;

/** Payments and refunds over PostgreSQL or PGlite; the refund half is in refund.pg-repository.ts. */
export function createPaymentPgRepository(db: Database, newId: IdGenerator): PaymentRepository {
  const reads = recordReads(db, 'payments', paymentColumns, paymentFromRow);
  return {
    async begin(ctx, tenantId, orderId, start) {
      try {
        return await db.transaction(ctx, async (tx) => {
          const order = await lockOrder(tx, tenantId, 'order', orderId);
          if (!order) fail('not_found', 'order_not_found', `No such order: ${orderId}.`);
          const payment = start(order);
          if (payment.orderId !== orderId || payment.tenantId !== tenantId) {
            throw new Error(`Payment ${payment.id} was begun for order ${payment.orderId}, not ${orderId}.`);
          }
          // The partial unique index arbitrates: a second live payment of the order is not
          // inserted (and the transaction stays usable to say which one blocks it).
          const inserted = await tx.query(insertPaymentSql, paymentValues(payment));
          if (inserted.rowCount === 1) return payment;
          const { rows } = await tx.query<{ id: string; status: string }>(
            `SELECT id, status FROM payments WHERE tenant_id = $1 AND order_id = $2 AND status IN ('pending', 'succeeded')`,
            [tenantId, orderId],
          );
          const live = rows[0];
          if (live?.status === 'succeeded') fail('conflict', 'order_already_paid', `Order ${orderId} is already paid.`);
          fail('conflict', 'payment_in_progress', `Payment ${live?.id} of order ${orderId} is still pending.`);
        });
      } catch (error) {
        if (isUniqueViolation(error, 'payments_tenant_idempotency_key_key')) {
          fail(
            'conflict',
            'idempotency_request_in_progress',
            'Another attempt with this Idempotency-Key began the payment.',
            error,
          );
        }
        throw error;
      }
    },

    findByIdempotencyKey: (ctx, tenantId, key) => reads.byIdempotencyKey(ctx, tenantId, key),
    get: (ctx, tenantId, id) => reads.byId(ctx, tenantId, id),

    async list(ctx, tenantId, filter) {
      const cursor = filter.startingAfter;
      if (cursor !== undefined && !isIdOf('pay', cursor)) {
        fail('invalid', 'invalid_cursor', 'starting_after is not a pay id.');
      }
      // One statement, as tenantListRows does for products and orders: the cursor must name one
      // of the tenant's payments, whatever the order filter.
      const { refusal, rows } = await checkedRows<PaymentRow, 'cursor'>(db, ctx, {
        refusal: `CASE WHEN $2::text IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM payments WHERE tenant_id = $1 AND id = $2) THEN 'cursor' END`,
        pageSql: `SELECT ${paymentColumns} FROM payments
                  WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2) AND ($3::text IS NULL OR order_id = $3)
                  ORDER BY id DESC LIMIT $4`,
        params: [tenantId, cursor ?? null, filter.orderId ?? null, filter.limit + 1],
      });
      if (refusal !== null) fail('invalid', 'invalid_cursor', 'starting_after does not name one of your payments.');
      return pageOf(rows.map(paymentFromRow), filter.limit);
    },

    listPending: (ctx, scan) => reads.pending(ctx, scan),

    settle(ctx, tenantId, paymentId, settle) {
      return db.transaction(ctx, async (tx) => {
        const locked = await lockOrderAndPayment(tx, tenantId, 'payment', paymentId);
        const { order, payment } = locked ?? {};
        if (!order || !payment) fail('not_found', 'payment_not_found', `No such payment: ${paymentId}.`);
        const settlement = settle(payment, Order.fromRow(order));
        await writeSettlement(tx, newId, tenantId, {
          payment: { before: payment, after: settlement.payment },
          order: settlement.order,
          events: settlement.events,
          journal: { kind: 'capture', paymentId },
          postings: settlement.postings,
          at: settlement.payment.updatedAt,
          headers: eventHeaders(ctx),
        });
        return settlement.payment;
      });
    },

    ...refundMethods(db, newId),
  };
}
