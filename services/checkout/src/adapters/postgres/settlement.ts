import type { Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import { outboxRowsWritten } from '@keelson/kit/outbox';
import type { DomainEvent } from '../../domain/events.ts';
import { assertBalanced, type LedgerPosting } from '../../domain/ledger.ts';
import type { OrderState, Transition } from '../../domain/order.ts';
import type { PaymentState } from '../../domain/payment.ts';
import { type OrderWithLinesRow, orderColumns, ordersWithLinesSql, orderWithLinesFromRow } from './order.rows.ts';
import { type EventHeaders, insertOutboxRowsSql, outboxRowsValues } from './outbox.ts';
import {
  type PaymentRow,
  paymentColumnNames,
  paymentColumns,
  paymentFromRow,
  updatePaymentSet,
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

/** The payment's columns as `payment_<column>`, beside the order's in one row. */
const prefixedPaymentColumns = paymentColumnNames.map((column) => `p.${column} AS payment_${column}`).join(', ');

type OrderAndPaymentRow = OrderWithLinesRow & { readonly [column: `payment_${string}`]: unknown };

/** The payments row inside a row of {@link lockOrderAndPayment}, or undefined (no payment). */
function paymentOf(row: OrderAndPaymentRow): PaymentState | undefined {
  if (row.payment_id === null) return undefined;
  // The driver typed each prefixed column as it types the payments row's own (int8, timestamptz).
  const columns = Object.fromEntries(paymentColumnNames.map((column) => [column, row[`payment_${column}`]]));
  return paymentFromRow(columns as unknown as PaymentRow);
}

/**
 * `lockOrder` and then `lockPayment` in one statement (one round trip less per settlement): the
 * order (with its lines) and the payment that `id` names or belongs to, both FOR NO KEY UPDATE.
 * The order's row is locked first, as every write takes them: the payment is read only once the
 * order is (`EXISTS` over the locked order, a sub-plan PostgreSQL runs before the payments scan
 * returns a row to lock). No order, no payment: as when the two statements ran in turn.
 */
export async function lockOrderAndPayment(
  tx: Queryable,
  tenantId: string,
  by: keyof typeof paymentIdBy,
  id: string,
): Promise<{ readonly order: OrderState; readonly payment: PaymentState | undefined } | undefined> {
  const { rows } = await tx.query<OrderAndPaymentRow>(
    `WITH locked_order AS (
       SELECT ${orderColumns} FROM orders WHERE tenant_id = $1 AND id = ${orderIdBy[by]} FOR NO KEY UPDATE
     ), locked_payment AS (
       SELECT ${paymentColumns} FROM payments
       WHERE tenant_id = $1 AND id = ${paymentIdBy[by]} AND EXISTS (SELECT 1 FROM locked_order) FOR NO KEY UPDATE
     )
     ${ordersWithLinesSql(`SELECT o.*, ${prefixedPaymentColumns} FROM locked_order AS o LEFT JOIN locked_payment AS p ON true`)}`,
    [tenantId, id],
  );
  const row = rows[0];
  return row && { order: orderWithLinesFromRow(row), payment: paymentOf(row) };
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

/**
 * A settlement's writes in ONE statement (data-modifying CTEs; each part names another table, so
 * their order inside the statement does not matter): the payment's row if it changed, the order's
 * transition if any, the events, the journal's postings: one round trip instead of four, inside
 * a transaction that holds the order's lock. A part with nothing to write matches or unnests nothing.
 * `$1` tenant; `$2`–`$11` the payment (`$11`: changed); `$12`–`$15` the order (`$12` null: none);
 * `$16`–`$24` the events ({@link insertOutboxRowsSql}); `$25`–`$33` the journal and its postings.
 */
const settlementSql = `WITH payment_written AS (
       UPDATE payments SET ${updatePaymentSet} WHERE tenant_id = $1 AND id = $2 AND $11::boolean
     ), order_written AS (
       UPDATE orders SET status = $13, version = $14, updated_at = $15 WHERE tenant_id = $1 AND id = $12
     ), events_written AS (
       ${insertOutboxRowsSql(16)}
     )
     INSERT INTO ledger_entries
       (tenant_id, journal_id, line_no, kind, payment_id, refund_id, account, direction, amount, currency, posted_at)
     SELECT $1, $25, p.line_no, $26, $27, $28, p.account, p.direction, p.amount, p.currency, $29
     FROM unnest($30::text[], $31::text[], $32::int8[], $33::text[]) WITH ORDINALITY AS p(account, direction, amount, currency, line_no)`;

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
  // Refused before any SQL unless they balance.
  if (writes.postings.length > 0) assertBalanced(writes.postings);
  const changed = after.version !== before.version;
  const order = writes.order?.order.state;
  if (!changed && order === undefined && writes.events.length === 0 && writes.postings.length === 0) return;
  // Stock first: it locks the products in id order, as placing an order does (stock.ts).
  if (writes.order) await releaseStock(tx, tenantId, writes.order.release, writes.order.order.state.updatedAt);
  // The commit then wakes the relays (kit outbox: transactions that wrote no row notify nothing).
  if (writes.events.length > 0) outboxRowsWritten(tx);
  const { journal, postings } = writes;
  const refundId = journal.kind === 'refund' ? journal.refundId : null;
  await tx.query(settlementSql, [
    ...updatePaymentValues(after), // $1 is its tenant: the settlement's, checked above
    changed,
    order?.id ?? null,
    order?.status ?? null,
    order?.version ?? null,
    order?.updatedAt ?? null,
    ...outboxRowsValues(newId, tenantId, writes.events, writes.headers),
    refundId ?? journal.paymentId,
    journal.kind,
    journal.paymentId,
    refundId,
    writes.at,
    postings.map((p) => p.account),
    postings.map((p) => p.direction),
    postings.map((p) => p.amount),
    postings.map((p) => p.currency),
  ]);
}
