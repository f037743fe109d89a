import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc } from '../../../../packages/kit/test/support/properties.ts';
import { maxAmount } from '../../src/domain/money.ts';
import { maxStock, type NewProduct, Product } from '../../src/domain/product.ts';

const createdAt = new Date('2030-01-01T00:00:00.000Z');
const later = new Date('2030-01-01T00:05:00.000Z');

const valid: NewProduct = {
  id: 'prod_1',
  tenantId: 'ten_A',
  sku: 'MUG-01',
  name: 'Mug',
  unitAmount: 1_250,
  currency: 'EUR',
  stock: 7,
  now: createdAt,
};

function mug(): Product {
  return Product.create(valid).product;
}

describe('Product.create', () => {
  it('starts at version 1 and emits product.created with its state', () => {
    const { product, event } = Product.create(valid);
    assert.deepEqual(product.state, {
      id: 'prod_1',
      tenantId: 'ten_A',
      sku: 'MUG-01',
      name: 'Mug',
      unitAmount: 1_250,
      currency: 'EUR',
      stock: 7,
      version: 1,
      createdAt,
      updatedAt: createdAt,
    });
    assert.deepEqual(event, {
      type: 'product.created',
      aggregateType: 'product',
      aggregateId: 'prod_1',
      aggregateVersion: 1,
      occurredAt: createdAt,
      data: product.state,
    });
  });

  it('accepts the bounds: a free product, zero stock, maxAmount and maxStock', () => {
    assert.equal(Product.create({ ...valid, unitAmount: 0, stock: 0 }).product.state.unitAmount, 0);
    const top = Product.create({ ...valid, unitAmount: maxAmount, stock: maxStock }).product.state;
    assert.deepEqual([top.unitAmount, top.stock], [maxAmount, maxStock]);
  });

  const rejected: ReadonlyArray<[string, Partial<NewProduct>, string]> = [
    ['a negative amount', { unitAmount: -1 }, 'invalid_request'],
    ['a fractional amount', { unitAmount: 12.5 }, 'invalid_request'],
    ['a NaN amount', { unitAmount: Number.NaN }, 'invalid_request'],
    ['an amount above maxAmount', { unitAmount: maxAmount + 1 }, 'amount_too_large'],
    ['a lower-case currency', { currency: 'eur' }, 'invalid_currency'],
    ['an unknown currency', { currency: 'XXY' }, 'invalid_currency'],
    ['negative stock', { stock: -1 }, 'invalid_request'],
    ['fractional stock', { stock: 0.5 }, 'invalid_request'],
    ['stock above maxStock', { stock: maxStock + 1 }, 'invalid_request'],
  ];
  for (const [what, patch, code] of rejected) {
    it(`rejects ${what} as ${code}`, () => {
      assert.throws(() => Product.create({ ...valid, ...patch }), { name: 'AppError', kind: 'invalid', code });
    });
  }
});

// Issue 5 item 9: lengths are Unicode code points; a sku is an identifier (no control or
// format characters), a name is free text (no control characters, no bidi overrides).
describe('Product.create text rules', () => {
  const emoji = '\u{1F600}';

  it('counts code points: a sku of 100 emoji and a name of 200 emoji are at the limits', () => {
    const { state } = Product.create({ ...valid, sku: emoji.repeat(100), name: emoji.repeat(200) }).product;
    assert.deepEqual([state.sku, state.name], [emoji.repeat(100), emoji.repeat(200)]);
  });

  it('trims ordinary spaces around sku and name', () => {
    const { state } = Product.create({ ...valid, sku: '  MUG-01 ', name: ' Big mug  ' }).product;
    assert.deepEqual([state.sku, state.name], ['MUG-01', 'Big mug']);
  });

  it('keeps a name with an emoji ZWJ sequence and a soft hyphen (format characters free text needs)', () => {
    const name = 'Family \u{1F468}\u200D\u{1F469}\u200D\u{1F467} extra\u00ADlarge';
    assert.equal(Product.create({ ...valid, name }).product.state.name, name);
  });

  const refused: ReadonlyArray<[string, Partial<NewProduct>]> = [
    ['a sku of 101 code points', { sku: emoji.repeat(101) }],
    ['a sku of only spaces', { sku: '   ' }],
    ['a sku of only zero-width spaces', { sku: '\u200B\u200B' }],
    ['a sku with a newline', { sku: 'MUG\n01' }],
    ['a sku with a trailing newline', { sku: 'MUG-01\n' }],
    ['a sku with a right-to-left override', { sku: 'MUG\u202E10' }],
    ['a sku with a zero-width joiner', { sku: 'MUG\u200D01' }],
    ['a sku with a NUL', { sku: 'MUG\u000001' }],
    ['a sku with an unpaired surrogate', { sku: 'MUG\uD800' }],
    ['a name of 201 code points', { name: emoji.repeat(201) }],
    ['a name with a newline', { name: 'Mug\nLarge' }],
    ['a name with a tab', { name: 'Mug\tLarge' }],
    ['a name with a right-to-left override', { name: 'Mug \u202Egral' }],
    ['a name with a left-to-right isolate', { name: 'Mug \u2066x\u2069' }],
    ['a name of only zero-width spaces', { name: '\u200B\u200B' }],
    ['a name with a line separator', { name: 'Mug\u2028Large' }],
  ];
  for (const [what, patch] of refused) {
    it(`rejects ${what} as invalid_request`, () => {
      assert.throws(() => Product.create({ ...valid, ...patch }), { name: 'AppError', code: 'invalid_request' });
    });
  }

  it('applies the name rules on change too', () => {
    assert.throws(() => mug().change({ name: 'Mug\u202Egral' }, 1, later), { code: 'invalid_request' });
    assert.equal(mug().change({ name: emoji.repeat(200) }, 1, later).product.state.name, emoji.repeat(200));
  });
});

describe('Product.change', () => {
  it('bumps the version by one and emits product.updated with the new state, leaving the original untouched', () => {
    const original = mug();
    const before = structuredClone(original.state);
    const { product, event } = original.change({ unitAmount: 1_500, stock: 3 }, 1, later);
    assert.deepEqual(product.state, { ...before, unitAmount: 1_500, stock: 3, version: 2, updatedAt: later });
    assert.deepEqual(event, {
      type: 'product.updated',
      aggregateType: 'product',
      aggregateId: 'prod_1',
      aggregateVersion: 2,
      occurredAt: later,
      data: product.state,
    });
    assert.deepEqual(original.state, before);
  });

  it('keeps fields the patch leaves out', () => {
    const { product } = mug().change({ name: 'Big mug' }, 1, later);
    assert.deepEqual(
      [product.state.name, product.state.unitAmount, product.state.stock, product.state.currency, product.state.sku],
      ['Big mug', 1_250, 7, 'EUR', 'MUG-01'],
    );
  });

  for (const stale of [0, 2, -1]) {
    it(`rejects expected version ${stale} against version 1 as version_conflict, changing nothing`, () => {
      const original = mug();
      const before = structuredClone(original.state);
      assert.throws(() => original.change({ stock: 0 }, stale, later), {
        name: 'AppError',
        kind: 'conflict',
        code: 'version_conflict',
      });
      assert.deepEqual(original.state, before);
    });
  }

  it('validates changed values like create does', () => {
    const original = mug();
    assert.throws(() => original.change({ unitAmount: -5 }, 1, later), { kind: 'invalid', code: 'invalid_request' });
    assert.throws(() => original.change({ unitAmount: maxAmount + 1 }, 1, later), {
      kind: 'invalid',
      code: 'amount_too_large',
    });
    assert.throws(() => original.change({ stock: maxStock + 1 }, 1, later), {
      kind: 'invalid',
      code: 'invalid_request',
    });
    assert.equal(original.state.version, 1);
  });

  it('advances one version per accepted change, and only the current version is accepted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ stock: fc.nat({ max: maxStock }), stale: fc.boolean() }), { maxLength: 20 }),
        (steps) => {
          let product = mug();
          let accepted = 0;
          for (const { stock, stale } of steps) {
            const current = product.state.version;
            if (stale) {
              assert.throws(() => product.change({ stock }, current - 1, later), { code: 'version_conflict' });
              continue;
            }
            const result = product.change({ stock }, current, later);
            assert.equal(result.event.aggregateVersion, current + 1);
            product = result.product;
            accepted += 1;
          }
          assert.equal(product.state.version, 1 + accepted);
        },
      ),
    );
  });
});
