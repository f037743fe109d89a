import { fail } from './errors.ts';
import { type DomainEvent, domainEvent } from './events.ts';
import { capturePostings, type LedgerPosting } from './ledger.ts';
import type { Currency } from './money.ts';
import type { Order, OrderEvent, OrderState, Transition } from './order.ts';
import { wasPaid } from './order-status.ts';

/**
 * `pending` until the provider's answer is recorded; then final. `requires_action` is final
 * too: nothing here completes a customer's authentication, so the order is paid, if at all,
 * by a new payment (which the database allows: only `pending` and `succeeded` block one).
 */
export const paymentStatuses = ['pending', 'succeeded', 'failed', 'requires_action'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** Why a payment failed: the issuer refused (`declineCode` says why), or the provider knows no such method. */
export type PaymentFailureCode = 'card_declined' | 'invalid_payment_method';

export interface PaymentState {
  readonly id: string;
  readonly tenantId: string;
  readonly orderId: string;
  /** The order's total when the payment began, in minor units; captured whole or not at all. */
  readonly amount: number;
  readonly currency: Currency;
  readonly status: PaymentStatus;
  readonly amountRefunded: number;
  /** The provider's token for the method (`pm_card_visa`); card data never reaches us. */
  readonly paymentMethod: string;
  readonly failureCode: PaymentFailureCode | null;
  readonly failureMessage: string | null;
  /** The issuer's reason for a decline (`insufficient_funds`), as the provider reported it. */
  readonly declineCode: string | null;
  readonly providerPaymentId: string | null;
  /** The client's `Idempotency-Key`: a retry finds this payment (its recovery point) by it. */
  readonly idempotencyKey: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the provider answered to a charge: every answer is data, none is thrown. */
export type ChargeOutcome =
  | { readonly kind: 'succeeded'; readonly providerPaymentId: string }
  | {
      readonly kind: 'declined';
      readonly providerPaymentId: string | null;
      readonly declineCode: string;
      readonly message: string;
    }
  | { readonly kind: 'requires_action'; readonly providerPaymentId: string }
  | { readonly kind: 'invalid_payment_method'; readonly message: string };

export type PaymentEvent = DomainEvent<
  'payment.succeeded' | 'payment.failed' | 'payment.requires_action',
  PaymentState
>;

export interface PaymentSettlement {
  readonly payment: PaymentState;
  /** The order moved to `paid`, when the capture paid it. */
  readonly order?: Transition;
  /** Every event to append, in order (the order's own event included). */
  readonly events: readonly (PaymentEvent | OrderEvent)[];
  /** The capture's double entry; empty unless money moved. */
  readonly postings: readonly LedgerPosting[];
  /**
   * The provider captured money for an order that could no longer be paid (it was cancelled or
   * expired while the charge was in flight). The capture is recorded, since the money moved,
   * and the order is left alone: the caller owes the customer a refund.
   */
  readonly orphanedCapture: boolean;
}

export interface StartPaymentInput {
  readonly id: string;
  readonly order: OrderState;
  readonly paymentMethod: string;
  readonly idempotencyKey: string;
  readonly now: Date;
}

// A provider token (Stripe's `pm_…`). A long digit run is refused outright: it is what a card
// number pasted into the field looks like, and such a value must never be stored or logged.
const paymentMethodPattern = /^pm_[A-Za-z0-9_]{1,252}$/;
const cardNumberLike = /\d{12}/;

/** Whether `value` is a payment-method token we accept (also for the wire schema). */
export function isPaymentMethodToken(value: string): boolean {
  return paymentMethodPattern.test(value) && !cardNumberLike.test(value);
}

/** The same rule as the kit's Idempotency-Key and the tables' CHECK: 1–255 printable ASCII. */
export function assertIdempotencyKey(key: string): void {
  if (!/^[ -~]{1,255}$/.test(key)) {
    fail('invalid', 'invalid_request', 'The idempotency key must be 1–255 printable ASCII characters.');
  }
}

/** A new `pending` payment for the order's whole total, or a refusal when it cannot be paid. */
export function startPayment(input: StartPaymentInput): PaymentState {
  const { order, now } = input;
  if (!isPaymentMethodToken(input.paymentMethod)) {
    fail('invalid', 'invalid_request', 'payment_method must be a payment method token such as pm_card_visa.');
  }
  assertIdempotencyKey(input.idempotencyKey);
  if (wasPaid(order.status)) fail('conflict', 'order_already_paid', `Order ${order.id} is already paid.`);
  if (order.status !== 'pending_payment') {
    fail(
      'conflict',
      'order_not_payable',
      `Order ${order.id} is ${order.status}; only pending_payment orders can be paid.`,
    );
  }
  // Its reservation ends at expiresAt: paying later would race the expiry releasing its stock.
  if (now.getTime() >= order.expiresAt.getTime()) {
    fail('conflict', 'order_not_payable', `Order ${order.id} expired at ${order.expiresAt.toISOString()}.`);
  }
  // Providers refuse to charge nothing (Stripe's minimum is 1 minor unit and up).
  if (order.amountTotal < 1) fail('conflict', 'order_not_payable', `Order ${order.id} has nothing to charge.`);
  return {
    id: input.id,
    tenantId: order.tenantId,
    orderId: order.id,
    amount: order.amountTotal,
    currency: order.currency,
    status: 'pending',
    amountRefunded: 0,
    paymentMethod: input.paymentMethod,
    failureCode: null,
    failureMessage: null,
    declineCode: null,
    providerPaymentId: null,
    idempotencyKey: input.idempotencyKey,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Applies the provider's answer to a pending payment. Settling one that is no longer pending
 * changes nothing and emits nothing, so a reconcile racing a client's retry applies it once.
 */
export function settlePayment(
  payment: PaymentState,
  order: Order,
  outcome: ChargeOutcome,
  now: Date,
): PaymentSettlement {
  const unchanged = { payment, events: [], postings: [], orphanedCapture: false };
  if (payment.status !== 'pending') return unchanged;
  if (order.state.id !== payment.orderId || order.state.tenantId !== payment.tenantId) {
    throw new Error(`Payment ${payment.id} settled against order ${order.state.id}, not its own ${payment.orderId}.`);
  }
  const next = (change: Partial<PaymentState>): PaymentState => ({
    ...payment,
    ...change,
    version: payment.version + 1,
    updatedAt: now,
  });
  switch (outcome.kind) {
    case 'succeeded': {
      const paid = next({ status: 'succeeded', providerPaymentId: outcome.providerPaymentId });
      const event = domainEvent('payment', 'payment.succeeded', paid);
      const postings = capturePostings(paid.amount, paid.currency);
      if (order.state.status !== 'pending_payment')
        return { payment: paid, events: [event], postings, orphanedCapture: true };
      const transition = order.pay(now);
      return { payment: paid, order: transition, events: [event, transition.event], postings, orphanedCapture: false };
    }
    case 'declined': {
      const declined = next({
        status: 'failed',
        failureCode: 'card_declined',
        failureMessage: outcome.message,
        declineCode: outcome.declineCode,
        providerPaymentId: outcome.providerPaymentId,
      });
      return { ...unchanged, payment: declined, events: [domainEvent('payment', 'payment.failed', declined)] };
    }
    case 'requires_action': {
      const waiting = next({ status: 'requires_action', providerPaymentId: outcome.providerPaymentId });
      return { ...unchanged, payment: waiting, events: [domainEvent('payment', 'payment.requires_action', waiting)] };
    }
    case 'invalid_payment_method': {
      const refused = next({
        status: 'failed',
        failureCode: 'invalid_payment_method',
        failureMessage: outcome.message,
      });
      return { ...unchanged, payment: refused, events: [domainEvent('payment', 'payment.failed', refused)] };
    }
  }
}
