import { fail } from './errors.ts';
import { type DomainEvent, domainEvent } from './events.ts';
import { type LedgerPosting, refundPostings } from './ledger.ts';
import { assertSameCurrency, type Currency } from './money.ts';
import type { Order, OrderEvent, Transition } from './order.ts';
import { canTransition } from './order-status.ts';
import { assertIdempotencyKey, type PaymentState } from './payment.ts';
import { parseText, type TextRule } from './text.ts';

export const refundStatuses = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/** The client's note on why money goes back; free text, shown to the tenant's staff. */
export const refundReasonText: TextRule = { kind: 'name', maxLength: 500 };

export interface RefundState {
  readonly id: string;
  readonly tenantId: string;
  readonly paymentId: string;
  readonly orderId: string;
  /** Positive, in minor units: reserved against the capture from the moment the refund begins. */
  readonly amount: number;
  readonly currency: Currency;
  readonly status: RefundStatus;
  readonly reason: string | null;
  readonly providerRefundId: string | null;
  /** The provider's code when it refused the refund. */
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly idempotencyKey: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the provider answered to a refund request: data, never thrown. */
export type RefundOutcome =
  | { readonly kind: 'succeeded'; readonly providerRefundId: string }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

export type RefundEvent = DomainEvent<'refund.succeeded' | 'refund.failed', RefundState>;

export interface StartRefundInput {
  readonly id: string;
  readonly payment: PaymentState;
  /** What the payment's pending and succeeded refunds already hold, read under the payment's lock. */
  readonly reserved: number;
  /** Defaults to everything not yet reserved. */
  readonly amount?: number;
  /** The currency the caller stated for `amount` (API v2): it must be the payment's. */
  readonly currency?: string;
  readonly reason?: string;
  readonly idempotencyKey: string;
  readonly now: Date;
}

export interface RefundSettlement {
  readonly refund: RefundState;
  /** With `amountRefunded` raised when the refund succeeded; otherwise the payment as given. */
  readonly payment: PaymentState;
  /** The order moved to `partially_refunded` or `refunded`, when its lifecycle has a place for that. */
  readonly order?: Transition;
  /** Every event to append, in order (the order's own event included). */
  readonly events: readonly (RefundEvent | OrderEvent)[];
  readonly postings: readonly LedgerPosting[];
}

/** A new `pending` refund that fits in what the capture has left, or a refusal. */
export function startRefund(input: StartRefundInput): RefundState {
  const { payment, reserved } = input;
  if (input.amount !== undefined && (!Number.isSafeInteger(input.amount) || input.amount <= 0)) {
    fail('invalid', 'invalid_request', 'amount must be a positive integer number of minor units.');
  }
  assertSameCurrency(input.currency, payment.currency, `Payment ${payment.id}`);
  const reason = input.reason === undefined ? null : parseText(input.reason, refundReasonText, 'reason');
  assertIdempotencyKey(input.idempotencyKey);
  if (payment.status !== 'succeeded') {
    fail(
      'conflict',
      'payment_not_refundable',
      `Payment ${payment.id} is ${payment.status}; only succeeded payments can be refunded.`,
    );
  }
  if (!Number.isSafeInteger(reserved) || reserved < 0 || reserved > payment.amount) {
    throw new RangeError(`Refunds of ${payment.id} reserve ${reserved} of a ${payment.amount} capture.`);
  }
  const remaining = payment.amount - reserved;
  const amount = input.amount ?? remaining;
  // amount is 0 only by default, when nothing remains.
  if (amount === 0 || amount > remaining) {
    const left = remaining === 0 ? 'nothing' : `${remaining} of ${payment.amount}`;
    const asked = amount === 0 ? '' : `; ${amount} asked`;
    fail('conflict', 'refund_exceeds_payment', `Payment ${payment.id} has ${left} left to refund${asked}.`);
  }
  return {
    id: input.id,
    tenantId: payment.tenantId,
    paymentId: payment.id,
    orderId: payment.orderId,
    amount,
    currency: payment.currency,
    status: 'pending',
    reason,
    providerRefundId: null,
    failureCode: null,
    failureMessage: null,
    idempotencyKey: input.idempotencyKey,
    version: 1,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/**
 * Applies the provider's answer to a pending refund; one no longer pending is left unchanged.
 * Money that went back is always recorded. The order follows when its lifecycle allows it: an
 * order whose payment was captured after it was cancelled (an orphaned capture) or one that was
 * fulfilled keeps its status, since a refund is a fact about money, not about the goods.
 */
export function settleRefund(
  refund: RefundState,
  payment: PaymentState,
  order: Order,
  outcome: RefundOutcome,
  now: Date,
): RefundSettlement {
  if (refund.status !== 'pending') return { refund, payment, events: [], postings: [] };
  if (refund.paymentId !== payment.id || payment.orderId !== order.state.id || refund.tenantId !== payment.tenantId) {
    throw new Error(`Refund ${refund.id} settled against payment ${payment.id} and order ${order.state.id}.`);
  }
  const next = (change: Partial<RefundState>): RefundState => ({
    ...refund,
    ...change,
    version: refund.version + 1,
    updatedAt: now,
  });
  if (outcome.kind === 'rejected') {
    const failed = next({ status: 'failed', failureCode: outcome.code, failureMessage: outcome.message });
    return { refund: failed, payment, events: [domainEvent('refund', 'refund.failed', failed)], postings: [] };
  }
  const amountRefunded = payment.amountRefunded + refund.amount;
  if (amountRefunded > payment.amount) {
    // Unreachable while refunds reserve under the payment's lock; the table's CHECK says so too.
    throw new RangeError(`Refund ${refund.id} would refund ${amountRefunded} of a ${payment.amount} capture.`);
  }
  const succeeded = next({ status: 'succeeded', providerRefundId: outcome.providerRefundId });
  const refunded: PaymentState = { ...payment, amountRefunded, version: payment.version + 1, updatedAt: now };
  const event = domainEvent('refund', 'refund.succeeded', succeeded);
  const postings = refundPostings(refund.amount, refund.currency);
  const fully = amountRefunded === payment.amount;
  if (!canTransition(order.state.status, fully ? 'refunded' : 'partially_refunded')) {
    return { refund: succeeded, payment: refunded, events: [event], postings };
  }
  const transition = order.refund(fully, now);
  return { refund: succeeded, payment: refunded, order: transition, events: [event, transition.event], postings };
}
