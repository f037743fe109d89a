import { newId, unixSeconds } from './ids.ts';
import type { Change, LedgerView, StoredPaymentIntent } from './ledger.ts';
import type { RefundJson, RefundReason } from './objects.ts';
import type { Params } from './params.ts';
import { readMetadata } from './payment-intents.ts';
import {
  errorBody,
  invalidRequest,
  parameterInvalid,
  parameterMissing,
  resourceMissing,
  type StripeErrorBody,
} from './stripe-errors.ts';

/** A validated `POST /v1/refunds`. */
export interface RefundCreate {
  readonly paymentIntent: StoredPaymentIntent;
  readonly amount?: number;
  readonly reason: RefundReason | null;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Refused refunds are outcomes of the endpoint (stored under the key), not validation. */
export type RefundOutcome =
  | { readonly kind: 'refunded'; readonly refund: RefundJson }
  | { readonly kind: 'refused'; readonly error: StripeErrorBody };

const reasons: readonly RefundReason[] = ['duplicate', 'fraudulent', 'requested_by_customer'];

/**
 * What Stripe rejects before running the endpoint. The PaymentIntent is looked up here: it
 * exists or not, and is refundable or not, once and for all (the simulator never cancels or
 * re-confirms one), so reading it outside the ledger's transaction is safe; how much is
 * left to refund is decided inside it.
 */
export function readRefundCreate(params: Params, view: LedgerView): RefundCreate {
  const id = params.string('payment_intent');
  if (params.string('charge') !== undefined) {
    throw parameterInvalid('charge', 'psp-sim refunds PaymentIntents only: pass payment_intent instead of charge.');
  }
  if (id === undefined || id === '') throw parameterMissing('payment_intent');
  const amount = params.integer('amount');
  if (amount !== undefined && amount < 1)
    throw parameterInvalid('amount', 'Amount must be at least 1.', 'amount_too_small');
  const reason = params.string('reason');
  const knownReason = reasons.find((known) => known === reason);
  if (reason !== undefined && knownReason === undefined) {
    throw parameterInvalid('reason', `Invalid reason: must be one of ${reasons.join(', ')}`);
  }
  const metadata = readMetadata(params);
  params.stringList('expand');
  params.rejectUnknown();
  const paymentIntent = view.paymentIntent(id);
  if (paymentIntent === undefined) throw resourceMissing(400, 'payment_intent', id, 'payment_intent');
  if (paymentIntent.json.status !== 'succeeded' || paymentIntent.json.latest_charge === null) {
    throw invalidRequest(400, `This PaymentIntent (${id}) does not have a successful charge to refund.`, {
      code: 'payment_intent_unexpected_state',
      param: 'payment_intent',
    });
  }
  return { paymentIntent, ...(amount === undefined ? {} : { amount }), reason: knownReason ?? null, metadata };
}

/** Refunds what was asked, or what remains; never more than was captured. */
export function refund(
  view: LedgerView,
  input: RefundCreate,
  nowMs: number,
): { readonly outcome: RefundOutcome; readonly changes: readonly Change[] } {
  // Re-read inside the transaction: a concurrent refund may have committed since validation.
  const current = view.paymentIntent(input.paymentIntent.json.id) ?? input.paymentIntent;
  const { json } = current;
  const charge = json.latest_charge ?? '';
  const remaining = json.amount_received - current.amountRefunded;
  const amount = input.amount ?? remaining;
  if (remaining === 0) {
    return refused({ code: 'charge_already_refunded', message: `Charge ${charge} has already been refunded.` });
  }
  if (amount > remaining) {
    return refused({
      code: 'amount_too_large',
      param: 'amount',
      message: `Refund amount (${money(amount, json.currency)}) is greater than unrefunded amount on charge (${money(remaining, json.currency)})`,
    });
  }
  const refundJson: RefundJson = {
    id: newId('re'),
    object: 'refund',
    amount,
    balance_transaction: newId('txn'),
    charge,
    created: unixSeconds(nowMs),
    currency: json.currency,
    metadata: input.metadata,
    payment_intent: json.id,
    reason: input.reason,
    receipt_number: null,
    status: 'succeeded',
  };
  return {
    outcome: { kind: 'refunded', refund: refundJson },
    changes: [
      { kind: 'refund', refund: refundJson },
      { kind: 'payment_intent', paymentIntent: { json, amountRefunded: current.amountRefunded + amount } },
    ],
  };
}

function refused(fields: { readonly code: string; readonly message: string; readonly param?: string }) {
  const outcome: RefundOutcome = { kind: 'refused', error: errorBody({ type: 'invalid_request_error', ...fields }) };
  return { outcome, changes: [] };
}

const zeroDecimal = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
const symbols: Readonly<Record<string, string>> = { usd: '$', eur: '€', gbp: '£' };

/** Stripe's messages show money as `$25.00`; clients switch on `code`, never on this text. */
function money(minor: number, currency: string): string {
  const major = zeroDecimal.has(currency) ? String(minor) : (minor / 100).toFixed(2);
  const symbol = symbols[currency];
  return symbol === undefined ? `${major} ${currency.toUpperCase()}` : `${symbol}${major}`;
}
