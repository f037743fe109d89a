import type { Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { DomainEvent } from '../../domain/events.ts';
import { assertBalanced, type LedgerPosting } from '../../domain/ledger.ts';
import type { OrderState, Transition } from '../../domain/order.ts';
import type { PaymentState } from '../../domain/payment.ts';
import { type OrderWithLinesRow, orderColumns, ordersWithLinesSql, orderWithLinesFromRow } from './order.rows.ts';
import { appendToOutbox, type EventHeaders } from './outbox.ts';
import {
  type PaymentRow,
  paymentColumns,
  paymentFromRow,
  updatePaymentSql,
  updatePaymentValues,
} from './payment.rows.ts';
import { releaseStock } from './stock.ts';

// The locks of payment and refund writes, shared by both repositories. Every write takes them
// in one order, order -> payment -> refund, so two of them never wait on each other in a cycle.
//
// They are FOR NO KEY UPDATE, not FOR UPDATE: inserting a refund (or payment, or ledger entry)
// checks its foreign keys with FOR KEY SHARE on the rows it names, which FOR UPDATE blocks and
// FOR NO KEY UPDATE does not. With FOR UPDATE, a settleRefund holding the order and waiting for
// the payment would deadlock with a beginRefund holding that payment and inserting a refund
// whose key check waits for the order. No key column ever changes, so nothing is lost.

/** Finds the order by its own id, or through the payment or refund of it named by $2. */
const orderIdBy = {
  order: '$2',
  payment: '(SELECT order_id FROM payments WHERE tenant_id = $1 AND id = $2)',
  refund: '(SELECT order_id FROM refunds WHERE tenant_id = $1 AND id = $2)',
} as const;

/** Locks the order (with its lines, in one statement) that `id` names or belongs to. */
export async function lockOrder(
  tx: Queryable,
  tenantId: string,
  by: keyof typeof orderIdBy,
  id: string,
): Promise<OrderState | undefined> {
  const { rows } = await tx.query<OrderWithLinesRow>(
    // The locking clause sits in the sub-select: the lines' aggregate outside it is not locked.
    ordersWithLinesSql(
      `SELECT ${orderColumns} FROM orders WHERE tenant_id = $1 AND id = ${orderIdBy[by]} FOR NO KEY UPDATE`,
    ),
    [tenantId, id],
  );
  return rows[0] && orderWithLinesFromRow(rows[0]);
}

const paymentIdBy = {
  payment: '$2',
  refund: '(SELECT payment_id FROM refunds WHERE tenant_id = $1 AND id = $2)',
} as const;

export async function lockPayment(
  tx: Queryable,
  tenantId: string,
  by: keyof typeof paymentIdBy,
  id: string,
): Promise<PaymentState | undefined> {
  const { rows } = await tx.query<PaymentRow>(
    `SELECT ${paymentColumns} FROM payments WHERE tenant_id = $1 AND id = ${paymentIdBy[by]} FOR NO KEY UPDATE`,
    [tenantId, id],
  );
  return rows[0] && paymentFromRow(rows[0]);
}

/** The capture of a payment, or one refund of it: the source every posting names. */
export type Journal =
  | { readonly kind: 'capture'; readonly paymentId: string }
  | { readonly kind: 'refund'; readonly paymentId: string; readonly refundId: string };

/** What a settlement asks to write besides its own row (payment or refund). */
export interface SettlementWrites {
  readonly payment: { readonly before: PaymentState; readonly after: PaymentState };
  readonly order: Transition | undefined;
  readonly events: readonly DomainEvent[];
  readonly journal: Journal;
  readonly postings: readonly LedgerPosting[];
  readonly at: Date;
  /** Carried by the events (request id, traceparent). */
  readonly headers: EventHeaders;
}

/** Writes a settlement's changes inside the caller's transaction; a no-op settlement writes nothing. */
export async function writeSettlement(
  tx: Queryable,
  newId: IdGenerator,
  tenantId: string,
  writes: SettlementWrites,
): Promise<void> {
  const { before, after } = writes.payment;
  if (after.id !== before.id || after.tenantId !== tenantId) {
    throw new Error(`A settlement of payment ${before.id} returned payment ${after.id}.`);
  }
  if (after.version !== before.version) await tx.query(updatePaymentSql, updatePaymentValues(after));
  if (writes.order) {
    const o = writes.order.order.state;
    await tx.query('UPDATE orders SET status = $3, version = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      o.id,
      o.status,
      o.version,
      o.updatedAt,
    ]);
    await releaseStock(tx, tenantId, writes.order.release, o.updatedAt);
  }
  await appendToOutbox(tx, newId, tenantId, writes.events, writes.headers);
  await postToLedger(tx, tenantId, writes.journal, writes.postings, writes.at);
}

/** Appends one journal's postings, refused before any SQL unless they balance. */
async function postToLedger(
  tx: Queryable,
  tenantId: string,
  journal: Journal,
  postings: readonly LedgerPosting[],
  at: Date,
): Promise<void> {
  if (postings.length === 0) return;
  assertBalanced(postings);
  const refundId = journal.kind === 'refund' ? journal.refundId : null;
  await tx.query(
    `INSERT INTO ledger_entries
       (tenant_id, journal_id, line_no, kind, payment_id, refund_id, account, direction, amount, currency, posted_at)
     SELECT $1, $2, p.line_no, $3, $4, $5, p.account, p.direction, p.amount, p.currency, $6
     FROM unnest($7::text[], $8::text[], $9::int8[], $10::text[]) WITH ORDINALITY AS p(account, direction, amount, currency, line_no)`,
    [
      tenantId,
      refundId ?? journal.paymentId,
      journal.kind,
      journal.paymentId,
      refundId,
      at,
      postings.map((p) => p.account),
      postings.map((p) => p.direction),
      postings.map((p) => p.amount),
      postings.map((p) => p.currency),
    ],
  );
}
