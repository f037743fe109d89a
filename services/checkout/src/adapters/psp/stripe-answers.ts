import { z } from 'zod';
import type { ProviderCharge } from '../../app/ports.ts';
import type { ChargeOutcome } from '../../domain/payment.ts';
import type { RefundOutcome } from '../../domain/refund.ts';
import { ProviderProtocolError } from './psp-failures.ts';
import type { StripeAnswer } from './stripe-http.ts';

// Each operation turns the answers it expects into data and throws the rest (`failure()`),
// which the policy then classifies. Only the fields read are checked; Stripe adds fields freely.

const paymentIntentSchema = z.object({
  id: z.string(),
  object: z.literal('payment_intent'),
  status: z.string(),
  amount: z.number().int(),
  amount_received: z.number().int(),
  currency: z.string(),
  metadata: z.record(z.string(), z.string()).nullish(),
  // A charge id, or the Charge itself with `expand[]=latest_charge`; null before any charge.
  latest_charge: z.union([z.string(), z.object({ id: z.string(), amount_refunded: z.number().int() })]).nullish(),
});

const refundSchema = z.object({
  id: z.string(),
  object: z.literal('refund'),
  status: z.string().nullish(),
  failure_reason: z.string().nullish(),
});

/** Refusals of `POST /v1/refunds` that are answers about this refund, not mistakes in the request. */
const refundRefusals: ReadonlySet<string> = new Set([
  'amount_too_large',
  'charge_already_refunded',
  'charge_disputed',
  'payment_intent_unexpected_state',
]);

function parse<T>(schema: z.ZodType<T>, answer: StripeAnswer, what: string): T {
  const parsed = schema.safeParse(answer.json);
  if (!parsed.success) throw new ProviderProtocolError(`${what}: unexpected shape (${parsed.error.message})`);
  return parsed.data;
}

export function chargeOutcomeOf(answer: StripeAnswer): ChargeOutcome {
  if (answer.status === 200) {
    const intent = parse(paymentIntentSchema, answer, 'PaymentIntent');
    switch (intent.status) {
      case 'succeeded':
        return { kind: 'succeeded', providerPaymentId: intent.id };
      case 'requires_action':
        return { kind: 'requires_action', providerPaymentId: intent.id };
      default:
        // `processing` and the rest never follow a card confirmation; a state this client does
        // not know must not be guessed into a success or a decline.
        throw new ProviderProtocolError(`PaymentIntent ${intent.id} is ${intent.status} after confirmation`);
    }
  }
  const error = answer.error;
  if (answer.status === 402 && error !== undefined) {
    return {
      kind: 'declined',
      providerPaymentId: error.payment_intent?.id ?? null,
      declineCode: error.decline_code ?? error.code ?? 'card_declined',
      message: error.message ?? 'The card was declined.',
    };
  }
  if (answer.status === 400 && error?.code === 'resource_missing' && error.param === 'payment_method') {
    return { kind: 'invalid_payment_method', message: error.message ?? 'No such payment method.' };
  }
  throw answer.failure();
}

export function refundOutcomeOf(answer: StripeAnswer): RefundOutcome {
  if (answer.status === 200) {
    const refund = parse(refundSchema, answer, 'Refund');
    // `pending`: accepted, the money is on its way (cards settle it without further action).
    if (refund.status === 'succeeded' || refund.status === 'pending') {
      return { kind: 'succeeded', providerRefundId: refund.id };
    }
    return {
      kind: 'rejected',
      code: `refund_${refund.status ?? 'failed'}`,
      message: refund.failure_reason ?? `The provider answered refund ${refund.id} as ${refund.status}.`,
    };
  }
  const error = answer.error;
  if (answer.status === 400 && error?.code != null && refundRefusals.has(error.code)) {
    return { kind: 'rejected', code: error.code, message: error.message ?? error.code };
  }
  throw answer.failure();
}

export function providerChargeOf(answer: StripeAnswer): ProviderCharge | undefined {
  if (answer.status === 404 && answer.error?.code === 'resource_missing') return undefined;
  if (answer.status !== 200) throw answer.failure();
  const intent = parse(paymentIntentSchema, answer, 'PaymentIntent');
  const charge = intent.latest_charge;
  if (typeof charge === 'string') {
    // Refunds live on the Charge: without the expansion the refunded amount is unknown, and
    // reconciliation must not be told 0.
    throw new ProviderProtocolError(`PaymentIntent ${intent.id}: latest_charge was not expanded`);
  }
  return {
    providerPaymentId: intent.id,
    status: intent.status,
    amount: intent.amount,
    amountReceived: intent.amount_received,
    amountRefunded: charge?.amount_refunded ?? 0,
    currency: intent.currency.toUpperCase(),
    keelsonPaymentId: intent.metadata?.keelson_payment_id,
  };
}
