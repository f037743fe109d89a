import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc, runs } from '../../../../packages/kit/test/support/properties.ts';
import {
  assertBalanced,
  balancesOf,
  capturePostings,
  type LedgerPosting,
  ledgerAccounts,
  refundPostings,
} from '../../src/domain/ledger.ts';
import { type Currency, maxAmount, parseCurrency } from '../../src/domain/money.ts';

const eur = parseCurrency('EUR');
const usd = parseCurrency('USD');

describe('ledger postings', () => {
  it('books a capture as receivable debit / sales credit and a refund as its exact reverse', () => {
    assert.deepEqual(capturePostings(700, eur), [
      { account: 'provider_receivable', direction: 'debit', amount: 700, currency: eur },
      { account: 'sales', direction: 'credit', amount: 700, currency: eur },
    ]);
    assert.deepEqual(refundPostings(200, eur), [
      { account: 'sales', direction: 'debit', amount: 200, currency: eur },
      { account: 'provider_receivable', direction: 'credit', amount: 200, currency: eur },
    ]);
    assert.deepEqual([...new Set(capturePostings(1, eur).map((p) => p.account))].sort(), [...ledgerAccounts].sort());
  });

  it('totals debits and credits per currency, in currency order', () => {
    assert.deepEqual(
      balancesOf([...capturePostings(700, usd), ...capturePostings(500, eur), ...refundPostings(200, eur)]),
      [
        { currency: eur, debits: 700, credits: 700 },
        { currency: usd, debits: 700, credits: 700 },
      ],
    );
    assert.deepEqual(balancesOf([]), []);
  });

  it('refuses postings that do not balance in some currency, even when the grand totals do', () => {
    const crossed: LedgerPosting[] = [
      { account: 'provider_receivable', direction: 'debit', amount: 100, currency: eur },
      { account: 'sales', direction: 'credit', amount: 100, currency: usd },
    ];
    assert.throws(() => assertBalanced(crossed), /do not balance in EUR/);
    assert.throws(() => assertBalanced(capturePostings(100, eur).slice(0, 1)), RangeError);
  });

  for (const amount of [0, -5, 1.5, Number.NaN]) {
    it(`refuses a posting of ${amount}`, () => {
      assert.throws(() => assertBalanced([...capturePostings(amount, eur)]), /positive integers/);
    });
  }

  const currency: fc.Arbitrary<Currency> = fc.constantFrom(eur, usd, parseCurrency('JPY'));
  const entry = fc.record({
    capture: fc.boolean(),
    amount: fc.integer({ min: 1, max: maxAmount }),
    currency,
  });

  it('balances any mix of captures and refunds in any currencies, and one lost posting breaks it', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 20 }), fc.nat(), (entries, drop) => {
        const postings = entries.flatMap((e) => (e.capture ? capturePostings : refundPostings)(e.amount, e.currency));
        assertBalanced(postings);
        for (const { debits, credits } of balancesOf(postings)) assert.equal(debits, credits);
        const lost = postings.filter((_, i) => i !== drop % postings.length);
        assert.throws(() => assertBalanced(lost), RangeError);
      }),
      { numRuns: runs(200) },
    );
  });
});
