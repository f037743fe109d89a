import { newId, unixSeconds } from './ids.ts';
import type { Change } from './ledger.ts';
import { type PaymentIntentJson, type PaymentMethodJson, paymentMethodJson } from './objects.ts';
import type { Params } from './params.ts';
import { docUrl, parameterInvalid, parameterMissing, resourceMissing, type StripeErrorBody } from './stripe-errors.ts';
import { type TestCard, testCard } from './test-cards.ts';

/** A validated `POST /v1/payment_intents`. */
export interface PaymentIntentCreate {
  readonly amount: number;
  readonly currency: string;
  readonly card?: { readonly token: string; readonly details: TestCard };
  readonly confirm: boolean;
  /** off_session or error_on_requires_action: authentication turns into a decline. */
  readonly failOnAuthentication: boolean;
  readonly metadata: Readonly<Record<string, string>>;
  readonly description: string | null;
  readonly captureMethod: 'automatic' | 'automatic_async';
}

/** What confirming did; each kind becomes one answer (200 or Stripe's 402) at the route. */
export type PaymentIntentOutcome =
  | { readonly kind: 'created'; readonly paymentIntent: PaymentIntentJson }
  | { readonly kind: 'declined'; readonly paymentIntent: PaymentIntentJson; readonly error: StripeErrorBody };

const maxAmount = 99_999_999;

/** Validation Stripe does before anything runs (so nothing is stored under the idempotency key). */
export function readPaymentIntentCreate(params: Params): PaymentIntentCreate {
  const amount = params.integer('amount');
  if (amount === undefined) throw parameterMissing('amount');
  if (amount < 1) throw parameterInvalid('amount', 'Amount must be at least 1.', 'amount_too_small');
  if (amount > maxAmount)
    throw parameterInvalid('amount', `Amount must be no more than ${maxAmount}.`, 'amount_too_large');
  const currency = params.requiredString('currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw parameterInvalid('currency', `Invalid currency: ${currency}.`);
  const token = params.string('payment_method');
  const details = token === undefined || token === '' ? undefined : testCard(token);
  if (token !== undefined && token !== '' && details === undefined) {
    throw resourceMissing(400, 'PaymentMethod', token, 'payment_method');
  }
  const confirm = params.boolean('confirm') ?? false;
  if (confirm && details === undefined) throw parameterMissing('payment_method');
  const captureMethod = params.string('capture_method') ?? 'automatic';
  if (captureMethod !== 'automatic' && captureMethod !== 'automatic_async') {
    throw parameterInvalid(
      'capture_method',
      `Invalid capture_method: ${captureMethod} (psp-sim captures automatically).`,
    );
  }
  const offSession = params.boolean('off_session') ?? false;
  const errorOnRequiresAction = params.boolean('error_on_requires_action') ?? false;
  // Accepted as Stripe accepts them, so a client written for Stripe needs no change; they do
  // not alter what a test card does.
  params.string('return_url');
  params.stringList('payment_method_types');
  params.stringList('expand');
  const automatic = params.object('automatic_payment_methods');
  automatic?.boolean('enabled');
  automatic?.string('allow_redirects');
  automatic?.rejectUnknown();
  const metadata = readMetadata(params);
  const description = params.string('description') ?? null;
  params.rejectUnknown();
  return {
    amount,
    currency,
    ...(token === undefined || details === undefined ? {} : { card: { token, details } }),
    confirm,
    failOnAuthentication: offSession || errorOnRequiresAction,
    metadata,
    description,
    captureMethod,
  };
}

/** Stripe's limits: 50 keys, keys ≤ 40 characters, values ≤ 500; an empty value means "unset". */
export function readMetadata(params: Params): Readonly<Record<string, string>> {
  const entries = [...(params.stringMap('metadata') ?? new Map<string, string>())].filter(([, value]) => value !== '');
  if (entries.length > 50) throw parameterInvalid('metadata', 'Metadata can have at most 50 keys.');
  for (const [key, value] of entries) {
    if (key.length > 40) throw parameterInvalid(`metadata[${key}]`, 'Metadata keys can be at most 40 characters.');
    if (value.length > 500)
      throw parameterInvalid(`metadata[${key}]`, 'Metadata values can be at most 500 characters.');
  }
  return Object.fromEntries(entries);
}

/** Creates (and, with confirm=true, confirms) a PaymentIntent; a decline is an outcome, not a throw. */
export function createPaymentIntent(
  input: PaymentIntentCreate,
  nowMs: number,
): { readonly outcome: PaymentIntentOutcome; readonly changes: readonly Change[] } {
  const created = unixSeconds(nowMs);
  const id = newId('pi');
  // Stripe turns a test token into a new PaymentMethod object with its own id.
  const method = input.card === undefined ? undefined : paymentMethodJson(newId('pm'), input.card.details, created);
  const base: PaymentIntentJson = {
    id,
    object: 'payment_intent',
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod,
    client_secret: `${id}_secret_${newId('x').slice(2)}`,
    confirmation_method: 'automatic',
    created,
    currency: input.currency,
    customer: null,
    description: input.description,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata,
    next_action: null,
    payment_method: method?.id ?? null,
    payment_method_types: ['card'],
    status: method === undefined ? 'requires_payment_method' : 'requires_confirmation',
  };
  const outcome =
    input.confirm && input.card !== undefined && method !== undefined
      ? confirm(base, input, input.card.details, method)
      : createdOutcome(base);
  return {
    outcome,
    changes: [{ kind: 'payment_intent', paymentIntent: { json: outcome.paymentIntent, amountRefunded: 0 } }],
  };
}

function createdOutcome(paymentIntent: PaymentIntentJson): PaymentIntentOutcome {
  return { kind: 'created', paymentIntent };
}

function confirm(
  base: PaymentIntentJson,
  input: PaymentIntentCreate,
  card: TestCard,
  method: PaymentMethodJson,
): PaymentIntentOutcome {
  const outcome = card.outcome;
  switch (outcome.kind) {
    case 'succeed':
      return createdOutcome({ ...base, amount_received: base.amount, latest_charge: newId('ch'), status: 'succeeded' });
    case 'authenticate':
      if (input.failOnAuthentication) {
        return decline(base, method, {
          code: 'authentication_required',
          declineCode: 'authentication_required',
          message: 'Your card was declined. This transaction requires authentication.',
        });
      }
      return createdOutcome({
        ...base,
        next_action: {
          type: 'use_stripe_sdk',
          use_stripe_sdk: { type: 'three_d_secure_redirect', source: newId('src') },
        },
        status: 'requires_action',
      });
    case 'decline':
      return decline(base, method, outcome);
  }
}

/**
 * As Stripe does: the PaymentIntent exists, back in `requires_payment_method` with the
 * failure in `last_payment_error` and the PaymentMethod detached; the 402 error carries it.
 */
function decline(
  base: PaymentIntentJson,
  method: PaymentMethodJson,
  reason: { readonly code: string; readonly declineCode: string; readonly message: string; readonly param?: string },
): PaymentIntentOutcome {
  const charge = newId('ch');
  const lastPaymentError = {
    charge,
    code: reason.code,
    decline_code: reason.declineCode,
    doc_url: docUrl(reason.code),
    message: reason.message,
    ...(reason.param === undefined ? {} : { param: reason.param }),
    payment_method: method,
    type: 'card_error' as const,
  };
  const paymentIntent: PaymentIntentJson = {
    ...base,
    last_payment_error: lastPaymentError,
    latest_charge: charge,
    payment_method: null,
    status: 'requires_payment_method',
  };
  const { type, payment_method: paymentMethod, ...fields } = lastPaymentError;
  return {
    kind: 'declined',
    paymentIntent,
    error: { ...fields, payment_intent: paymentIntent, payment_method: paymentMethod, type },
  };
}
