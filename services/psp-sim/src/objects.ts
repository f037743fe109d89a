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
