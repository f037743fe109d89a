import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@keelson/kit/errors';
import { fc, runs } from '../../../../packages/kit/test/support/properties.ts';
import { assertAmount, maxAmount, multiplyAmount, parseCurrency, sumAmounts } from '../../src/domain/money.ts';

const max = BigInt(maxAmount);

// Biased towards the interesting region: small values, values around maxAmount, and values
// large enough that a float product or sum would silently round.
const nonNegativeSafeInteger = fc.oneof(
  fc.nat({ max: 1_000_000 }),
  fc.integer({ min: maxAmount - 1_000, max: maxAmount + 1_000 }),
  fc.nat({ max: maxAmount }),
  fc.maxSafeNat(),
);

// Everything that is not a non-negative safe integer.
const notAnAmount = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.MAX_SAFE_INTEGER + 1,
    2 ** 60,
    0.5,
    -1,
  ),
);

/**
 * The one contract every money primitive has: the result is the exact mathematical value, in
 * range, or the call is rejected with a money error — never a float, never a rounded value.
 * A result that is in range and built from in-range inputs must not be rejected.
 */
function expectExactOrRejected(run: () => number, exact: bigint, inputsInRange: boolean): void {
  let result: number;
  try {
    result = run();
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.ok(error.code === 'amount_too_large' || error.code === 'invalid_request', `unexpected code ${error.code}`);
    assert.equal(error.kind, 'invalid');
    assert.ok(!(inputsInRange && exact <= max), `rejected an in-range value ${exact}`);
    return;
  }
  assert.ok(Number.isSafeInteger(result), `not a safe integer: ${result}`);
  assert.equal(BigInt(result), exact);
  assert.ok(result <= maxAmount, `${result} exceeds maxAmount`);
}

describe('parseCurrency', () => {
  for (const code of ['USD', 'EUR', 'JPY']) {
    it(`accepts the ISO-4217 code ${code}`, () => {
      assert.equal(parseCurrency(code), code);
    });
  }

  for (const code of ['usd', 'Eur', 'XXY', 'ABC', 'US', 'USDD', '', ' USD', 'US1']) {
    it(`rejects ${JSON.stringify(code)} as invalid_currency`, () => {
      assert.throws(() => parseCurrency(code), { name: 'AppError', kind: 'invalid', code: 'invalid_currency' });
    });
  }
});

describe('assertAmount', () => {
  it('returns in-range amounts unchanged, including both bounds', () => {
    assert.equal(assertAmount(0, 'x'), 0);
    assert.equal(assertAmount(maxAmount, 'x'), maxAmount);
  });

  it('rejects maxAmount + 1 as amount_too_large', () => {
    assert.throws(() => assertAmount(maxAmount + 1, 'x'), { kind: 'invalid', code: 'amount_too_large' });
  });

  it('is exact or amount_too_large for any non-negative safe integer', () => {
    fc.assert(
      fc.property(nonNegativeSafeInteger, (amount) => {
        expectExactOrRejected(() => assertAmount(amount, 'x'), BigInt(amount), amount <= maxAmount);
        if (amount > maxAmount) assert.throws(() => assertAmount(amount, 'x'), { code: 'amount_too_large' });
      }),
      { numRuns: runs(500) },
    );
  });

  it('rejects negative, fractional, NaN and infinite values as invalid_request', () => {
    fc.assert(
      fc.property(notAnAmount, (amount) => {
        assert.throws(() => assertAmount(amount, 'x'), { name: 'AppError', kind: 'invalid', code: 'invalid_request' });
      }),
      { numRuns: runs(500) },
    );
  });
});

describe('multiplyAmount', () => {
  it('multiplies exactly at the boundary and rejects one past it', () => {
    assert.equal(multiplyAmount(maxAmount, 1), maxAmount);
    assert.equal(multiplyAmount(33_333_333_333, 3), maxAmount);
    assert.throws(() => multiplyAmount(50_000_000_000, 2), { kind: 'invalid', code: 'amount_too_large' });
  });

  it('rejects a product beyond 2^53 instead of rounding it', () => {
    // 94906267² = 9007199515875289 > 2^53: as a double it would round to an even neighbour.
    assert.throws(() => multiplyAmount(94_906_267, 94_906_267), { code: 'amount_too_large' });
  });

  it('is exact or amount_too_large for any non-negative safe integers', () => {
    fc.assert(
      fc.property(nonNegativeSafeInteger, nonNegativeSafeInteger, (unit, quantity) => {
        const exact = BigInt(unit) * BigInt(quantity);
        expectExactOrRejected(() => multiplyAmount(unit, quantity), exact, unit <= maxAmount && quantity <= maxAmount);
      }),
      { numRuns: runs(1_000) },
    );
  });

  it('rejects negative, fractional, NaN and infinite operands', () => {
    fc.assert(
      fc.property(notAnAmount, fc.integer({ min: 1, max: 1_000 }), (bad, good) => {
        assert.throws(() => multiplyAmount(bad, good), { name: 'AppError', kind: 'invalid' });
        assert.throws(() => multiplyAmount(good, bad), { name: 'AppError', kind: 'invalid' });
      }),
    );
  });
});

describe('sumAmounts', () => {
  it('sums to exactly maxAmount and rejects one past it', () => {
    assert.equal(sumAmounts([]), 0);
    assert.equal(sumAmounts([maxAmount - 1, 1]), maxAmount);
    assert.throws(() => sumAmounts([maxAmount, 1]), { kind: 'invalid', code: 'amount_too_large' });
  });

  it('is exact or amount_too_large for any list of non-negative safe integers', () => {
    fc.assert(
      fc.property(fc.array(nonNegativeSafeInteger, { maxLength: 20 }), (amounts) => {
        const exact = amounts.reduce((total, amount) => total + BigInt(amount), 0n);
        expectExactOrRejected(
          () => sumAmounts(amounts),
          exact,
          amounts.every((amount) => amount <= maxAmount),
        );
      }),
      { numRuns: runs(1_000) },
    );
  });

  it('rejects negative, fractional, NaN and infinite amounts', () => {
    fc.assert(
      fc.property(notAnAmount, fc.array(fc.nat({ max: 1_000 }), { maxLength: 5 }), (bad, others) => {
        assert.throws(() => sumAmounts([...others, bad]), { name: 'AppError', kind: 'invalid' });
      }),
    );
  });
});
