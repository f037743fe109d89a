import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { type RefundState, settleRefund, startRefund } from '../../domain/refund.ts';
import type { Clock, PaymentProvider, PaymentRepository } from '../ports.ts';
import { providerKeyOf } from './provider-keys.ts';

export interface RefundPaymentInput {
  readonly paymentId: string;
  /** Default: what the capture has left. */
  readonly amount?: number;
  /** The currency the caller stated for `amount` (API v2); must be the payment's. */
  readonly currency?: string;
  readonly reason?: string;
  readonly idempotency: { readonly key: string; readonly recovered: boolean };
}

type RefundDeps = { readonly payments: PaymentRepository; readonly provider: PaymentProvider; readonly clock: Clock };

/** Sends a pending refund to the provider (keyed by our refund id) and records the answer. */
export async function refundPending(ctx: RequestContext, deps: RefundDeps, refund: RefundState): Promise<RefundState> {
  if (refund.status !== 'pending') return refund;
  const payment = await deps.payments.get(ctx, refund.tenantId, refund.paymentId);
  // A refund begins only against a succeeded payment, which always names its PaymentIntent.
  if (payment?.providerPaymentId == null) throw new Error(`Refund ${refund.id} has no captured payment to refund.`);
  const outcome = await deps.provider.refund(ctx, {
    refundId: refund.id,
    idempotencyKey: providerKeyOf(refund.id),
    providerPaymentId: payment.providerPaymentId,
    amount: refund.amount,
  });
  return deps.payments.settleRefund(ctx, refund.tenantId, refund.id, (current, paid, order) =>
    settleRefund(current, paid, order, outcome, deps.clock.now()),
  );
}

/**
 * `POST /v1/payments/{id}/refunds`: the same atomic phases as a payment. Beginning a refund
 * locks its payment, so concurrent refunds reserve one after another and their sum can never
 * pass the capture, whatever the provider says later.
 */
export function refundPayment(deps: RefundDeps & { readonly newId: IdGenerator }) {
  return async (ctx: RequestContext, input: RefundPaymentInput): Promise<RefundState> => {
    const tenantId = tenantOf(ctx);
    const { key, recovered } = input.idempotency;
    const resumed = recovered ? await deps.payments.findRefundByIdempotencyKey(ctx, tenantId, key) : undefined;
    const refund =
      resumed ??
      (await deps.payments.beginRefund(ctx, tenantId, input.paymentId, (payment, reserved) =>
        startRefund({
          id: deps.newId('re'),
          payment,
          reserved,
          ...(input.amount === undefined ? {} : { amount: input.amount }),
          ...(input.currency === undefined ? {} : { currency: input.currency }),
          ...(input.reason === undefined ? {} : { reason: input.reason }),
          idempotencyKey: key,
          now: deps.clock.now(),
        }),
      ));
    return refundPending(ctx, deps, refund);
  };
}
