import type { TestCard } from './test-cards.ts';

// Stripe's JSON objects, the subset the simulator produces. Keys follow Stripe's order:
// id, object, then alphabetical. Nullable fields are present as null, as Stripe sends them.

export interface PaymentMethodJson {
  readonly id: string;
  readonly object: 'payment_method';
  readonly card: {
    readonly brand: TestCard['brand'];
    readonly country: 'US';
    readonly exp_month: number;
    readonly exp_year: number;
    readonly funding: TestCard['funding'];
    readonly last4: string;
  };
  readonly created: number;
  readonly customer: null;
  readonly livemode: false;
  readonly metadata: Readonly<Record<string, string>>;
  readonly type: 'card';
}

export interface PaymentErrorJson {
  readonly charge: string;
  readonly code: string;
  readonly decline_code: string;
  readonly doc_url: string;
  readonly message: string;
  readonly param?: string;
  readonly payment_method: PaymentMethodJson;
  readonly type: 'card_error';
}

export interface NextActionJson {
  readonly type: 'use_stripe_sdk';
  readonly use_stripe_sdk: { readonly type: 'three_d_secure_redirect'; readonly source: string };
}

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_action'
  | 'processing'
  | 'succeeded'
  | 'canceled';

export interface PaymentIntentJson {
  readonly id: string;
  readonly object: 'payment_intent';
  readonly amount: number;
  readonly amount_capturable: 0;
  readonly amount_received: number;
  readonly canceled_at: null;
  readonly cancellation_reason: null;
  readonly capture_method: 'automatic' | 'automatic_async';
  readonly client_secret: string;
  readonly confirmation_method: 'automatic';
  readonly created: number;
  readonly currency: string;
  readonly customer: null;
  readonly description: string | null;
  readonly last_payment_error: PaymentErrorJson | null;
  readonly latest_charge: string | null;
  readonly livemode: false;
  readonly metadata: Readonly<Record<string, string>>;
  readonly next_action: NextActionJson | null;
  readonly payment_method: string | null;
  readonly payment_method_types: readonly string[];
  readonly status: PaymentIntentStatus;
}

/**
 * The Charge behind a PaymentIntent's `latest_charge`, answered only when a read asks for
 * `expand[]=latest_charge`: refunds live here, not on the PaymentIntent, so a client that
 * reconciles refunded amounts (as Stripe's documentation has it) must be able to read it.
 */
export interface ChargeJson {
  readonly id: string;
  readonly object: 'charge';
  readonly amount: number;
  readonly amount_captured: number;
  readonly amount_refunded: number;
  readonly captured: boolean;
  readonly created: number;
  readonly currency: string;
  readonly customer: null;
  readonly description: string | null;
  readonly failure_code: string | null;
  readonly failure_message: string | null;
  readonly livemode: false;
  readonly metadata: Readonly<Record<string, string>>;
  readonly paid: boolean;
  readonly payment_intent: string;
  readonly payment_method: string | null;
  readonly refunded: boolean;
  readonly status: 'succeeded' | 'failed';
}

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface RefundJson {
  readonly id: string;
  readonly object: 'refund';
  readonly amount: number;
  readonly balance_transaction: string;
  readonly charge: string;
  readonly created: number;
  readonly currency: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly payment_intent: string;
  readonly reason: RefundReason | null;
  readonly receipt_number: null;
  readonly status: 'succeeded';
}

export function paymentMethodJson(id: string, card: TestCard, created: number): PaymentMethodJson {
  const year = new Date(created * 1000).getUTCFullYear();
  return {
    id,
    object: 'payment_method',
    card: {
      brand: card.brand,
      country: 'US',
      exp_month: 12,
      exp_year: year + 3,
      funding: card.funding,
      last4: card.last4,
    },
    created,
    customer: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
}

/**
 * The PaymentIntent's latest Charge, built from what the ledger keeps (the PaymentIntent and
 * its refunded total): a succeeded confirmation captured the whole amount; a decline left a
 * failed Charge whose failure is the PaymentIntent's `last_payment_error`. Null before any
 * charge (`requires_action`, unconfirmed), as Stripe answers it.
 */
export function latestChargeJson(intent: PaymentIntentJson, amountRefunded: number): ChargeJson | null {
  if (intent.latest_charge === null) return null;
  const error = intent.last_payment_error;
  const captured = intent.status === 'succeeded' ? intent.amount_received : 0;
  return {
    id: intent.latest_charge,
    object: 'charge',
    amount: intent.amount,
    amount_captured: captured,
    amount_refunded: amountRefunded,
    captured: captured > 0,
    created: intent.created,
    currency: intent.currency,
    customer: null,
    description: intent.description,
    failure_code: error?.code ?? null,
    failure_message: error?.message ?? null,
    livemode: false,
    metadata: intent.metadata,
    paid: captured > 0,
    payment_intent: intent.id,
    // A decline detaches the PaymentMethod from the PaymentIntent; the error still names it.
    payment_method: intent.payment_method ?? error?.payment_method.id ?? null,
    refunded: captured > 0 && amountRefunded === captured,
    status: error === null ? 'succeeded' : 'failed',
  };
}
