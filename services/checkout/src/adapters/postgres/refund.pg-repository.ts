import { type Database, isUniqueViolation } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { PaymentRepository } from '../../app/ports.ts';
import { fail } from '../../domain/errors.ts';
import { Order } from '../../domain/order.ts';
import { checkedRows } from './cursor.ts';
import { eventHeaders } from './outbox.ts';
import { recordReads } from './payment-reads.ts';
import {
  type RefundRow,
  refundColumns,
  refundFromRow,
  refundValues,
  updateRefundSql,
  updateRefundValues,
} from './refund.rows.ts';
import { lockOrderAndPayment, lockPayment, writeSettlement } from './settlement.ts';

type RefundMethods = Pick<
  PaymentRepository,
  'beginRefund' | 'findRefundByIdempotencyKey' | 'getRefund' | 'listRefunds' | 'listPendingRefunds' | 'settleRefund'
>;

/** The refund half of the payment repository (createPaymentPgRepository includes it). */
export function refundMethods(db: Database, newId: IdGenerator): RefundMethods {
  const reads = recordReads(db, 'refunds', refundColumns, refundFromRow);
  return {
    async beginRefund(ctx, tenantId, paymentId, start) {
      try {
        return await db.transaction(ctx, async (tx) => {
          const payment = await lockPayment(tx, tenantId, 'payment', paymentId);
          if (!payment) fail('not_found', 'payment_not_found', `No such payment: ${paymentId}.`);
          // Its own statement, after the lock is held: under READ COMMITTED each statement reads a
          // fresh snapshot, so this one sees the refunds of whoever held the lock before us. A
          // subquery of the locking statement would read the snapshot taken before it waited.
          const { rows } = await tx.query<{ reserved: number }>(
            `SELECT COALESCE(sum(amount), 0)::int8 AS reserved FROM refunds
             WHERE tenant_id = $1 AND payment_id = $2 AND status IN ('pending', 'succeeded')`,
            [tenantId, paymentId],
          );
          const refund = start(payment, rows[0]?.reserved ?? 0);
          if (refund.paymentId !== paymentId || refund.tenantId !== tenantId) {
            throw new Error(`Refund ${refund.id} was begun for payment ${refund.paymentId}, not ${paymentId}.`);
          }
          await tx.query(
            `INSERT INTO refunds (${refundColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
            refundValues(refund),
          );
          return refund;
        });
      } catch (error) {
        if (isUniqueViolation(error, 'refunds_tenant_idempotency_key_key')) {
          fail(
            'conflict',
            'idempotency_request_in_progress',
            'Another attempt with this Idempotency-Key began the refund.',
            error,
          );
        }
        throw error;
      }
    },

    findRefundByIdempotencyKey: (ctx, tenantId, key) => reads.byIdempotencyKey(ctx, tenantId, key),
    getRefund: (ctx, tenantId, id) => reads.byId(ctx, tenantId, id),

    async listRefunds(ctx, tenantId, paymentId) {
      const { refusal, rows } = await checkedRows<RefundRow, 'payment'>(db, ctx, {
        refusal: `CASE WHEN NOT EXISTS (SELECT 1 FROM payments WHERE tenant_id = $1 AND id = $2) THEN 'payment' END`,
        pageSql: `SELECT ${refundColumns} FROM refunds WHERE tenant_id = $1 AND payment_id = $2`,
        params: [tenantId, paymentId],
      });
      if (refusal !== null) fail('not_found', 'payment_not_found', `No such payment: ${paymentId}.`);
      return rows.map(refundFromRow);
    },

    listPendingRefunds: (ctx, scan) => reads.pending(ctx, scan),

    settleRefund(ctx, tenantId, refundId, settle) {
      return db.transaction(ctx, async (tx) => {
        const locked = await lockOrderAndPayment(tx, tenantId, 'refund', refundId);
        const { order, payment } = locked ?? {};
        const { rows } = payment
          ? await tx.query<RefundRow>(
              `SELECT ${refundColumns} FROM refunds WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE`,
              [tenantId, refundId],
            )
          : { rows: [] };
        const refund = rows[0] && refundFromRow(rows[0]);
        if (!order || !payment || !refund) fail('not_found', 'refund_not_found', `No such refund: ${refundId}.`);
        const settlement = settle(refund, payment, Order.fromRow(order));
        if (settlement.refund.id !== refund.id) {
          throw new Error(`A settlement of refund ${refund.id} returned refund ${settlement.refund.id}.`);
        }
        if (settlement.refund.version !== refund.version) {
          await tx.query(updateRefundSql, updateRefundValues(settlement.refund));
        }
        await writeSettlement(tx, newId, tenantId, {
          payment: { before: payment, after: settlement.payment },
          order: settlement.order,
          events: settlement.events,
          journal: { kind: 'refund', paymentId: payment.id, refundId },
          postings: settlement.postings,
          at: settlement.refund.updatedAt,
          headers: eventHeaders(ctx),
        });
        return settlement.refund;
      });
    },
  };
}
