import type { Currency } from './money.ts';

/**
 * The accounts money moves between. Closed on purpose: a new account is a decision about what
 * the books mean, made here, not a string a caller invents.
 *
 * - `provider_receivable` (an asset): what the payment provider holds for us and will pay out.
 *   A capture puts money there; a refund takes it back out. Its balance per payment is what
 *   the provider should report as captured − refunded, which is what `ledger verify` compares.
 * - `sales` (revenue): what customers paid for orders. A refund reverses the sale on the same
 *   account rather than booking a separate expense, so `sales` is net revenue, and the two
 *   accounts mirror each other exactly while no fees or payouts are modelled.
 */
export const ledgerAccounts = ['provider_receivable', 'sales'] as const;
export type LedgerAccount = (typeof ledgerAccounts)[number];

export type LedgerDirection = 'debit' | 'credit';

/** One side of a double entry, in minor units; a posting's amount is always positive. */
export interface LedgerPosting {
  readonly account: LedgerAccount;
  readonly direction: LedgerDirection;
  readonly amount: number;
  readonly currency: Currency;
}

export interface CurrencyBalance {
  readonly currency: Currency;
  readonly debits: number;
  readonly credits: number;
}

/** A capture of `amount`: the provider now owes it to us, and it was sold. */
export function capturePostings(amount: number, currency: Currency): readonly LedgerPosting[] {
  return [
    { account: 'provider_receivable', direction: 'debit', amount, currency },
    { account: 'sales', direction: 'credit', amount, currency },
  ];
}

/** A refund of `amount`: the exact reverse of capturing it. */
export function refundPostings(amount: number, currency: Currency): readonly LedgerPosting[] {
  return [
    { account: 'sales', direction: 'debit', amount, currency },
    { account: 'provider_receivable', direction: 'credit', amount, currency },
  ];
}

/** Debits and credits per currency, in currency order. */
export function balancesOf(postings: readonly LedgerPosting[]): CurrencyBalance[] {
  const totals = new Map<Currency, { debits: number; credits: number }>();
  for (const posting of postings) {
    const total = totals.get(posting.currency) ?? { debits: 0, credits: 0 };
    if (posting.direction === 'debit') total.debits += posting.amount;
    else total.credits += posting.amount;
    totals.set(posting.currency, total);
  }
  return [...totals].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, total]) => ({ currency, ...total }));
}

/**
 * Refuses postings that could not be a double entry: a non-positive or non-integer amount, or
 * debits ≠ credits in any currency. A failure is a bug in whoever built the postings, so it
 * throws; the repository runs it before writing, and nothing unbalanced reaches the books.
 */
export function assertBalanced(postings: readonly LedgerPosting[]): void {
  for (const posting of postings) {
    if (!Number.isSafeInteger(posting.amount) || posting.amount <= 0) {
      throw new RangeError(`Ledger posting amounts are positive integers, got ${posting.amount}.`);
    }
  }
  for (const { currency, debits, credits } of balancesOf(postings)) {
    if (!Number.isSafeInteger(debits) || debits !== credits) {
      throw new RangeError(`Ledger postings do not balance in ${currency}: debits ${debits}, credits ${credits}.`);
    }
  }
}
