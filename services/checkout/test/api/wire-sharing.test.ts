// The product's wire forms are built once per state the cache shares (frozen) and fresh for a
// row read for one request: a warm read builds nothing, a cold one leaves nothing behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { productToV1 } from '../../src/adapters/http/v1-compat.ts';
import { productToWire } from '../../src/adapters/http/wire.ts';
import { parseCurrency } from '../../src/domain/money.ts';
import type { ProductState } from '../../src/domain/product.ts';

function state(): ProductState {
  return {
    id: 'prod_1',
    tenantId: 'ten_1',
    sku: 'sku-1',
    name: 'Mug',
    unitAmount: 1_250,
    currency: parseCurrency('EUR'),
    stock: 3,
    version: 2,
    createdAt: new Date('2026-12-01T10:00:00.000Z'),
    updatedAt: new Date('2026-12-02T10:00:00.000Z'),
  };
}

describe('product wire forms', () => {
  it('a frozen (cached) state gets one shared, frozen v2 and v1 form', () => {
    const cached = Object.freeze(state());
    const v2 = productToWire(cached);
    assert.equal(productToWire(cached), v2, 'the same v2 object for every read of the state');
    assert.ok(Object.isFrozen(v2) && Object.isFrozen(v2.price), 'the shared form and its money are frozen');
    assert.deepEqual(v2.price, { amount: 1_250, currency: 'EUR' });
    const v1 = productToV1(v2);
    assert.equal(productToV1(productToWire(cached)), v1, 'the same v1 object too');
    assert.ok(Object.isFrozen(v1));
    assert.equal(v1.unit_amount, 1_250);
  });

  it('a state read for one request is built fresh each time and not frozen', () => {
    const row = state();
    const first = productToWire(row);
    const second = productToWire(row);
    assert.notEqual(first, second);
    assert.deepEqual(first, second);
    assert.ok(!Object.isFrozen(first));
    assert.notEqual(productToV1(first), productToV1(first));
    assert.equal(first.created_at, '2026-12-01T10:00:00.000Z');
  });
});
