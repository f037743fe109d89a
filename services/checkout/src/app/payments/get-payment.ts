import { type RequestContext, tenantOf } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { PaymentState } from '../../domain/payment.ts';
import type { RefundState } from '../../domain/refund.ts';
import type { Page, PaymentListFilter, PaymentRepository } from '../ports.ts';

export function getPayment(deps: { payments: PaymentRepository }) {
  return async (ctx: RequestContext, id: string): Promise<PaymentState> => {
    const payment = await deps.payments.get(ctx, tenantOf(ctx), id);
    return payment ?? fail('not_found', 'payment_not_found', `No such payment: ${id}.`);
  };
}

export function listPayments(deps: { payments: PaymentRepository }) {
  return (ctx: RequestContext, filter: PaymentListFilter): Promise<Page<PaymentState>> =>
    deps.payments.list(ctx, tenantOf(ctx), filter);
}

export function getRefund(deps: { payments: PaymentRepository }) {
  return async (ctx: RequestContext, id: string): Promise<RefundState> => {
    const refund = await deps.payments.getRefund(ctx, tenantOf(ctx), id);
    return refund ?? fail('not_found', 'refund_not_found', `No such refund: ${id}.`);
  };
}

export function listRefunds(deps: { payments: PaymentRepository }) {
  return (ctx: RequestContext, paymentId: string): Promise<readonly RefundState[]> =>
    deps.payments.listRefunds(ctx, tenantOf(ctx), paymentId);
}
