import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc, runs } from '../../../../packages/kit/test/support/properties.ts';
import { maxAmount } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { type OrderPricing, pricedUnitAmount, volumeDiscount } from '../../src/domain/pricing.ts';
import { Product } from '../../src/domain/product.ts';

const now = new Date('2030-01-01T00:00:00.000Z');
const mug = Product.create({
  id: 'prod_mug',
  tenantId: 'ten_A',
  sku: 'mug',
  name: 'Mug',
  unitAmount: 1_999,
  currency: 'EUR',
  stock: 1_000,
  now,
}).product.state;

function totalOf(pricing: OrderPricing | undefined, quantity: number): { total: number; unit: number | undefined } {
  const outcome = Order.place({
    id: 'ord_1',
    tenantId: 'ten_A',
    lines: [{ productId: mug.id, quantity }],
    products: new Map([[mug.id, mug]]),
    now,
    ttlMs: 60_000,
    ...(pricing === undefined ? {} : { pricing }),
  });
  if (!outcome.ok) assert.fail('stock suffices');
  return { total: outcome.order.state.amountTotal, unit: outcome.order.state.lines[0]?.unitAmount };
}

describe('order pricing', () => {
  it('list pricing (the default) charges the product price, at any quantity', () => {
    assert.deepEqual(totalOf(undefined, 10), { total: 19_990, unit: 1_999 });
    assert.deepEqual(totalOf('list', 10), totalOf(undefined, 10));
  });

  it('volume pricing takes 5 % off each unit of a line of 10 or more, rounded down to the cent', () => {
    assert.deepEqual(totalOf('volume', 9), { total: 9 * 1_999, unit: 1_999 }, 'below the tier: list price');
    // 5 % of 19.99 is 0.9995: 0.99 off, never a fraction of a cent, never more than 5 %.
    assert.deepEqual(totalOf('volume', 10), { total: 10 * 1_900, unit: 1_900 });
    assert.equal(volumeDiscount.minQuantity, 10);
  });

  it('a volume unit price is never above list, never more than the discount below it, always whole', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxAmount }), fc.integer({ min: 1, max: 1_000_000 }), (unit, quantity) => {
        const priced = pricedUnitAmount('volume', unit, quantity);
        assert.ok(Number.isSafeInteger(priced) && priced >= 0 && priced <= unit);
        assert.ok(unit - priced <= (unit * volumeDiscount.basisPoints) / 10_000);
        assert.equal(pricedUnitAmount('list', unit, quantity), unit);
      }),
      { numRuns: runs(200) },
    );
  });
});
