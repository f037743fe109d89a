import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { type PaymentState, settlePayment, startPayment } from '../../domain/payment.ts';
import type { Clock, PaymentProvider, PaymentRepository } from '../ports.ts';
import { answerFor } from './payment-answer.ts';
import { providerKeyOf } from './provider-keys.ts';

export interface PayOrderInput {
  readonly orderId: string;
  readonly paymentMethod: string;
  /** The request's Idempotency-Key (required); `recovered`: an earlier attempt ran without an answer. */
  readonly idempotency: { readonly key: string; readonly recovered: boolean };
}

export interface PaymentDeps {
  readonly payments: PaymentRepository;
  readonly provider: PaymentProvider;
  readonly clock: Clock;
}

/**
 * Sends a pending payment's charge to the provider and records the answer, in two steps with
 * no network call inside a transaction. The provider call is keyed by our payment id, so any
 * number of repeats (a retry, reconcile) charge at most once. A transient failure (provider
 * down, deadline) leaves the payment pending, resolvable by the next attempt.
 */
export async function chargePending(
  ctx: RequestContext,
  deps: PaymentDeps,
  payment: PaymentState,
): Promise<PaymentState> {
  if (payment.status !== 'pending') return payment;
  const outcome = await deps.provider.charge(ctx, {
    paymentId: payment.id,
    idempotencyKey: providerKeyOf(payment.id),
    amount: payment.amount,
    currency: payment.currency,
    paymentMethod: payment.paymentMethod,
  });
  return deps.payments.settle(ctx, payment.tenantId, payment.id, (current, order) =>
    settlePayment(current, order, outcome, deps.clock.now()),
  );
}

/**
 * `POST /v1/orders/{id}/payments`: Stripe's atomic phases. (1) record the payment pending under
 * the client's key, (2) charge the provider with a key derived from our id, (3) record the
 * outcome. A retry of an attempt that died anywhere resumes from its recovery point, the payment
 * found by the client's key.
 */
export function payOrder(deps: PaymentDeps & { readonly newId: IdGenerator }) {
  return async (ctx: RequestContext, input: PayOrderInput): Promise<PaymentState> => {
    const tenantId = tenantOf(ctx);
    const { key, recovered } = input.idempotency;
    const resumed = recovered ? await deps.payments.findByIdempotencyKey(ctx, tenantId, key) : undefined;
    const payment =
      resumed ??
      (await deps.payments.begin(ctx, tenantId, input.orderId, (order) =>
        startPayment({
          id: deps.newId('pay'),
          order,
          paymentMethod: input.paymentMethod,
          idempotencyKey: key,
          now: deps.clock.now(),
        }),
      ));
    return answerFor(await chargePending(ctx, deps, payment));
  };
}
