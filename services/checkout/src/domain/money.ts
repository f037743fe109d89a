import { fail } from './errors.ts';

/**
 * Upper bound for any single amount or total, in minor units. Far below 2^53 so sums of
 * bounded values never lose precision, and above any realistic checkout (10^11 cents = 1e9 USD).
 */
export const maxAmount = 99_999_999_999;

export type Currency = string & { readonly __brand: 'Currency' };

// The runtime's ICU list of ISO-4217 codes: no hand-kept table to go stale.
const isoCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Accepts an upper-case ISO-4217 code (`USD`); anything else is `invalid_currency`. */
export function parseCurrency(code: string): Currency {
  if (!/^[A-Z]{3}$/.test(code) || !isoCurrencies.has(code)) {
    fail('invalid', 'invalid_currency', `Unknown ISO-4217 currency: ${JSON.stringify(code)}.`);
  }
  // Checked against the ISO list just above.
  return code as Currency;
}

/** A non-negative integer amount in minor units, no larger than `maxAmount`. */
export function assertAmount(amount: number, what: string): number {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    fail('invalid', 'invalid_request', `${what} must be a non-negative integer number of minor units.`);
  }
  if (amount > maxAmount) fail('invalid', 'amount_too_large', `${what} exceeds the maximum of ${maxAmount}.`);
  return amount;
}

/** unit × quantity, rejected (not wrapped or rounded) when it leaves the allowed range. */
export function multiplyAmount(unitAmount: number, quantity: number): number {
  assertAmount(unitAmount, 'unit_amount');
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    fail('invalid', 'invalid_request', 'quantity must be a non-negative integer.');
  }
  const product = unitAmount * quantity;
  if (!Number.isSafeInteger(product) || product > maxAmount) {
    fail('invalid', 'amount_too_large', `Line amount exceeds the maximum of ${maxAmount}.`);
  }
  return product;
}

/** Sum of amounts, rejected when the total exceeds `maxAmount`. */
export function sumAmounts(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) {
    total += assertAmount(amount, 'amount');
    if (total > maxAmount) fail('invalid', 'amount_too_large', `Order total exceeds the maximum of ${maxAmount}.`);
  }
  return total;
}

/**
 * A currency the caller stated for an amount of an existing object (a product's new price, a
 * refund): it must be the object's own, which never changes. `undefined` states nothing (API v1).
 */
export function assertSameCurrency(stated: string | undefined, actual: string, what: string): void {
  if (stated !== undefined && stated !== actual) {
    fail('invalid', 'currency_mismatch', `${what} is in ${actual}, not ${JSON.stringify(stated)}.`);
  }
}
