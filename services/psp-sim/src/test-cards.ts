/**
 * Stripe's test PaymentMethod tokens (https://docs.stripe.com/testing) and what confirming
 * a PaymentIntent with each one does. Messages and codes are Stripe's.
 */
export type CardOutcome =
  | { readonly kind: 'succeed' }
  | { readonly kind: 'authenticate' }
  | {
      readonly kind: 'decline';
      readonly code: 'card_declined' | 'expired_card' | 'incorrect_cvc' | 'processing_error';
      readonly declineCode: string;
      readonly message: string;
      readonly param?: string;
    };

export interface TestCard {
  readonly brand: 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay';
  readonly last4: string;
  readonly funding: 'credit' | 'debit' | 'prepaid';
  readonly outcome: CardOutcome;
}

const succeed: CardOutcome = { kind: 'succeed' };
const authenticate: CardOutcome = { kind: 'authenticate' };

function declined(declineCode: string, message = 'Your card was declined.'): CardOutcome {
  return { kind: 'decline', code: 'card_declined', declineCode, message };
}

function visa(last4: string, outcome: CardOutcome): TestCard {
  return { brand: 'visa', last4, funding: 'credit', outcome };
}

const generic = declined('generic_decline');
const insufficientFunds = declined('insufficient_funds', 'Your card has insufficient funds.');
const lost = declined('lost_card');
const stolen = declined('stolen_card');
const fraudulent = declined('fraudulent');

const cards: ReadonlyMap<string, TestCard> = new Map([
  ['pm_card_visa', visa('4242', succeed)],
  ['pm_card_visa_debit', { brand: 'visa', last4: '5556', funding: 'debit', outcome: succeed }],
  ['pm_card_mastercard', { brand: 'mastercard', last4: '4444', funding: 'credit', outcome: succeed }],
  ['pm_card_mastercard_debit', { brand: 'mastercard', last4: '8210', funding: 'debit', outcome: succeed }],
  ['pm_card_mastercard_prepaid', { brand: 'mastercard', last4: '5100', funding: 'prepaid', outcome: succeed }],
  ['pm_card_amex', { brand: 'amex', last4: '8431', funding: 'credit', outcome: succeed }],
  ['pm_card_discover', { brand: 'discover', last4: '1117', funding: 'credit', outcome: succeed }],
  ['pm_card_diners', { brand: 'diners', last4: '0004', funding: 'credit', outcome: succeed }],
  ['pm_card_jcb', { brand: 'jcb', last4: '0505', funding: 'credit', outcome: succeed }],
  ['pm_card_unionpay', { brand: 'unionpay', last4: '0005', funding: 'credit', outcome: succeed }],
  ['pm_card_chargeDeclined', visa('0002', generic)],
  ['pm_card_visa_chargeDeclined', visa('0002', generic)],
  ['pm_card_chargeDeclinedInsufficientFunds', visa('9995', insufficientFunds)],
  ['pm_card_visa_chargeDeclinedInsufficientFunds', visa('9995', insufficientFunds)],
  ['pm_card_chargeDeclinedLostCard', visa('9987', lost)],
  ['pm_card_visa_chargeDeclinedLostCard', visa('9987', lost)],
  ['pm_card_chargeDeclinedStolenCard', visa('9979', stolen)],
  ['pm_card_visa_chargeDeclinedStolenCard', visa('9979', stolen)],
  ['pm_card_chargeDeclinedFraudulent', visa('0019', fraudulent)],
  ['pm_card_visa_chargeDeclinedFraudulent', visa('0019', fraudulent)],
  [
    'pm_card_chargeDeclinedExpiredCard',
    visa('0069', {
      kind: 'decline',
      code: 'expired_card',
      declineCode: 'expired_card',
      message: 'Your card has expired.',
      param: 'exp_month',
    }),
  ],
  [
    'pm_card_chargeDeclinedIncorrectCvc',
    visa('0127', {
      kind: 'decline',
      code: 'incorrect_cvc',
      declineCode: 'incorrect_cvc',
      message: "Your card's security code is incorrect.",
      param: 'cvc',
    }),
  ],
  [
    'pm_card_chargeDeclinedProcessingError',
    visa('0119', {
      kind: 'decline',
      code: 'processing_error',
      declineCode: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    }),
  ],
  ['pm_card_authenticationRequired', visa('3184', authenticate)],
  ['pm_card_threeDSecure2Required', visa('3155', authenticate)],
]);

export function testCard(paymentMethod: string): TestCard | undefined {
  return cards.get(paymentMethod);
}

/** Every token, for the README and the tests. */
export function testCardTokens(): readonly string[] {
  return [...cards.keys()];
}
