import type { PaymentState } from '../../domain/payment.ts';
import type { RefundState } from '../../domain/refund.ts';

// Domain → wire mappers for payments and refunds (API v2; v1-compat.ts derives v1).

export function paymentToWire(p: PaymentState) {
  return {
    object: 'payment' as const,
    id: p.id,
    order_id: p.orderId,
    amount: { amount: p.amount, currency: p.currency },
    status: p.status,
    amount_refunded: { amount: p.amountRefunded, currency: p.currency },
    payment_method: p.paymentMethod,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    decline_code: p.declineCode,
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
  };
}

export function refundToWire(r: RefundState) {
  return {
    object: 'refund' as const,
    id: r.id,
    payment_id: r.paymentId,
    order_id: r.orderId,
    amount: { amount: r.amount, currency: r.currency },
    status: r.status,
    reason: r.reason,
    failure_code: r.failureCode,
    failure_message: r.failureMessage,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
