import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isIdOf } from '@keelson/kit/ids';
import { createTestApplication, fixedNow, newTenant } from './fakes.ts';

const mug = { sku: 'MUG', name: 'Mug', unitAmount: 1_250, currency: 'EUR', stock: 5 } as const;

describe('createProduct', () => {
  it("stores the product under the caller's tenant with its created event", async () => {
    const { app, store, callsTo } = createTestApplication();
    const { tenantId, ctx } = await newTenant(app);

    const product = await app.commands.createProduct(ctx, mug);

    assert.ok(isIdOf('prod', product.id), product.id);
    assert.deepEqual(product, {
      ...mug,
      id: product.id,
      tenantId,
      version: 1,
      createdAt: fixedNow,
      updatedAt: fixedNow,
    });
    assert.equal(callsTo('products').length, 1);
    assert.deepEqual(store.products.get(product.id), product);
    assert.deepEqual(
      store.events.map((e) => [e.type, e.aggregateId]),
      [['product.created', product.id]],
    );
  });

  it('rejects invalid input without calling the repository', async () => {
    const { app, callsTo } = createTestApplication();
    const { ctx } = await newTenant(app);

    await assert.rejects(app.commands.createProduct(ctx, { ...mug, currency: 'eur' }), {
      kind: 'invalid',
      code: 'invalid_currency',
    });
    await assert.rejects(app.commands.createProduct(ctx, { ...mug, unitAmount: -1 }), {
      kind: 'invalid',
      code: 'invalid_request',
    });
    assert.deepEqual(callsTo('products'), []);
  });

  // The domain is the guard of text rules; the wire schema only mirrors it. Called directly
  // (as the CLI or a future transport would), the use case still refuses bad text.
  it('refuses a sku over 100 code points or with a control or format character, storing nothing', async () => {
    const { app, callsTo } = createTestApplication();
    const { ctx } = await newTenant(app);

    for (const sku of ['\u{1F600}'.repeat(101), 'MUG\n01', 'MUG\u202E10', '\u200B']) {
      await assert.rejects(app.commands.createProduct(ctx, { ...mug, sku }), {
        kind: 'invalid',
        code: 'invalid_request',
        message: /^sku /,
      });
    }
    assert.equal((await app.commands.createProduct(ctx, { ...mug, sku: '\u{1F600}'.repeat(100) })).sku.length, 200);
    assert.equal(callsTo('products').length, 1);
  });
});

describe('getProduct and listProducts', () => {
  it("return the tenant's own product and 404 another tenant's", async () => {
    const { app } = createTestApplication();
    const a = await newTenant(app, 'A');
    const b = await newTenant(app, 'B');
    const product = await app.commands.createProduct(a.ctx, mug);

    assert.deepEqual(await app.queries.getProduct(a.ctx, product.id), product);
    await assert.rejects(app.queries.getProduct(b.ctx, product.id), {
      name: 'AppError',
      kind: 'not_found',
      code: 'product_not_found',
    });
    assert.deepEqual((await app.queries.listProducts(b.ctx, { limit: 10 })).items, []);
    assert.deepEqual((await app.queries.listProducts(a.ctx, { limit: 10 })).items, [product]);
  });
});

describe('updateProduct', () => {
  it('applies a change at the current version and records product.updated', async () => {
    const { app, store } = createTestApplication();
    const { ctx } = await newTenant(app);
    const product = await app.commands.createProduct(ctx, mug);

    const updated = await app.commands.updateProduct(ctx, { id: product.id, version: 1, unitAmount: 1_500 });

    assert.deepEqual(updated, { ...product, unitAmount: 1_500, version: 2 });
    assert.deepEqual(store.products.get(product.id), updated);
    assert.equal(store.events.at(-1)?.type, 'product.updated');
  });

  it('rejects a stale version as version_conflict and keeps the stored product', async () => {
    const { app, store } = createTestApplication();
    const { ctx } = await newTenant(app);
    const product = await app.commands.createProduct(ctx, mug);
    await app.commands.updateProduct(ctx, { id: product.id, version: 1, stock: 9 });
    const stored = store.products.get(product.id);

    await assert.rejects(app.commands.updateProduct(ctx, { id: product.id, version: 1, stock: 0 }), {
      name: 'AppError',
      kind: 'conflict',
      code: 'version_conflict',
    });
    assert.equal(store.products.get(product.id), stored);
    assert.equal(store.events.length, 2);
  });

  it("404s another tenant's product and leaves it unchanged", async () => {
    const { app, store } = createTestApplication();
    const a = await newTenant(app, 'A');
    const b = await newTenant(app, 'B');
    const product = await app.commands.createProduct(a.ctx, mug);

    await assert.rejects(app.commands.updateProduct(b.ctx, { id: product.id, version: 1, stock: 0 }), {
      kind: 'not_found',
      code: 'product_not_found',
    });
    assert.deepEqual(store.products.get(product.id), product);
  });
});
