// The SQL repeats three text limits as CHECK constraints (001.do.foundation.sql). The domain
// guards them; this suite proves the two agree, in code points, on both backends: the longest
// text the domain accepts is stored, and one character more is refused by the database too.
// (The SQL checks only lengths: the character rules live in the domain alone.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tenantNameText } from '../../src/domain/access.ts';
import { domainEvent } from '../../src/domain/events.ts';
import { Product, type ProductState, productNameText, skuText } from '../../src/domain/product.ts';
import { backends } from '../support/databases.ts';
import { seedProduct, seedTenant, sqlState, testContext, useRepositories } from '../support/repository-fixtures.ts';

// One code point, four UTF-8 bytes, two UTF-16 units: a limit counted in either would differ.
const emoji = '\u{1F600}';
const checkViolation = sqlState('23514');

for (const backend of backends()) {
  describe(`text limits: domain and SQL agree on ${backend.name}`, () => {
    const repos = useRepositories(backend);

    it(`products: a sku of ${skuText.maxLength} and a name of ${productNameText.maxLength} code points are stored`, async () => {
      const fx = repos();
      const tenantId = await seedTenant(fx);
      const sku = emoji.repeat(skuText.maxLength);
      const name = emoji.repeat(productNameText.maxLength);
      const created = await seedProduct(fx, tenantId, { sku, name });
      const stored = await fx.products.get(testContext(), tenantId, created.id);
      assert.deepEqual([stored?.sku, stored?.name], [sku, name]);
    });

    for (const field of ['sku', 'name'] as const) {
      const rule = field === 'sku' ? skuText : productNameText;
      it(`products: a ${field} of ${rule.maxLength + 1} code points, which the domain refuses, violates the CHECK`, async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const valid = await seedProduct(fx, tenantId);
        // Rows the domain would never make, written the way persistence writes them.
        const state: ProductState = { ...valid, id: fx.newId('prod'), sku: `x-${valid.sku}` };
        const tooLong = { ...state, [field]: emoji.repeat(rule.maxLength + 1) };
        assert.throws(() => Product.create({ ...tooLong, now: tooLong.createdAt }), { code: 'invalid_request' });
        const product = Product.fromRow(tooLong);
        await assert.rejects(
          fx.products.insert(testContext(), product, domainEvent('product', 'product.created', product.state)),
          checkViolation,
        );
      });
    }

    it(`tenants: a name of ${tenantNameText.maxLength} code points is stored, one more violates the CHECK`, async () => {
      const fx = repos();
      const longest = { id: fx.newId('ten'), name: emoji.repeat(tenantNameText.maxLength), createdAt: new Date() };
      await fx.access.insertTenant(testContext(), longest);
      assert.equal((await fx.access.getTenant(testContext(), longest.id))?.name, longest.name);
      const tooLong = { id: fx.newId('ten'), name: emoji.repeat(tenantNameText.maxLength + 1), createdAt: new Date() };
      await assert.rejects(fx.access.insertTenant(testContext(), tooLong), checkViolation);
    });
  });
}
