import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContext } from '@keelson/kit/context';
import { isIdOf } from '@keelson/kit/ids';
import type { Application } from '../../src/app/application.ts';
import type { RequestedLine } from '../../src/domain/order.ts';
import { createTestApplication, fixedNow, newTenant, orderTtlMs } from './fakes.ts';

async function withProduct(app: Application, ctx: RequestContext, stock = 5, sku = 'MUG') {
  return app.commands.createProduct(ctx, { sku, name: 'Mug', unitAmount: 1_250, currency: 'EUR', stock });
}

describe('placeOrder', () => {
  it('reserves stock and stores the order with the clock time and ttl', async () => {
    const { app, store } = createTestApplication();
    const { tenantId, ctx } = await newTenant(app);
    const mug = await withProduct(app, ctx, 5);

    const order = await app.commands.placeOrder(ctx, { lines: [{ productId: mug.id, quantity: 2 }] });

    assert.ok(isIdOf('ord', order.id), order.id);
    assert.equal(order.tenantId, tenantId);
    assert.equal(order.status, 'pending_payment');
    assert.equal(order.amountTotal, 2_500);
    assert.deepEqual([order.createdAt, order.expiresAt], [fixedNow, new Date(fixedNow.getTime() + orderTtlMs)]);
    assert.equal(store.products.get(mug.id)?.stock, 3);
    assert.deepEqual(store.orders.get(order.id), order);
    assert.deepEqual(
      store.events.map((e) => e.type),
      ['product.created', 'order.created'],
    );
  });

  const malformed: ReadonlyArray<[string, (productId: string) => RequestedLine[], string]> = [
    ['no lines', () => [], 'invalid_request'],
    [
      '101 lines',
      () => Array.from({ length: 101 }, (_, i) => ({ productId: `prod_${i}`, quantity: 1 })),
      'invalid_request',
    ],
    ['quantity 0', (id) => [{ productId: id, quantity: 0 }], 'invalid_request'],
    ['quantity 1.5', (id) => [{ productId: id, quantity: 1.5 }], 'invalid_request'],
    ['quantity 1e7', (id) => [{ productId: id, quantity: 1e7 }], 'invalid_request'],
    [
      'a duplicate product',
      (id) => [
        { productId: id, quantity: 1 },
        { productId: id, quantity: 1 },
      ],
      'duplicate_product',
    ],
  ];
  for (const [what, lines, code] of malformed) {
    it(`rejects ${what} as ${code} before calling the order repository`, async () => {
      const { app, store, callsTo } = createTestApplication();
      const { ctx } = await newTenant(app);
      const mug = await withProduct(app, ctx);

      await assert.rejects(app.commands.placeOrder(ctx, { lines: lines(mug.id) }), {
        name: 'AppError',
        kind: 'invalid',
        code,
      });

      assert.deepEqual(callsTo('orders'), []);
      assert.equal(store.products.get(mug.id)?.stock, 5);
    });
  }

  it('turns an insufficient-stock outcome into a conflict and reserves nothing', async () => {
    const { app, store, callsTo } = createTestApplication();
    const { ctx } = await newTenant(app);
    const mug = await withProduct(app, ctx, 2);

    await assert.rejects(app.commands.placeOrder(ctx, { lines: [{ productId: mug.id, quantity: 3 }] }), {
      name: 'AppError',
      kind: 'conflict',
      code: 'insufficient_stock',
    });

    assert.equal(callsTo('orders').length, 1);
    assert.equal(store.products.get(mug.id)?.stock, 2);
    assert.equal(store.orders.size, 0);
    assert.ok(!store.events.some((e) => e.aggregateType === 'order'));
  });

  it('reports a sold-out product (0 available) as insufficient_stock too', async () => {
    const { app, store } = createTestApplication();
    const { ctx } = await newTenant(app);
    const soldOut = await withProduct(app, ctx, 0);

    await assert.rejects(app.commands.placeOrder(ctx, { lines: [{ productId: soldOut.id, quantity: 1 }] }), {
      kind: 'conflict',
      code: 'insufficient_stock',
    });
    assert.equal(store.orders.size, 0);
  });

  it("treats another tenant's product as unknown and leaves its stock alone", async () => {
    const { app, store } = createTestApplication();
    const a = await newTenant(app, 'A');
    const b = await newTenant(app, 'B');
    const mugOfA = await withProduct(app, a.ctx, 5);

    await assert.rejects(app.commands.placeOrder(b.ctx, { lines: [{ productId: mugOfA.id, quantity: 1 }] }), {
      kind: 'invalid',
      code: 'unknown_product',
    });
    assert.equal(store.products.get(mugOfA.id)?.stock, 5);
  });
});

describe('getOrder and listOrders', () => {
  it("returns the tenant's own order and 404s another tenant's", async () => {
    const { app } = createTestApplication();
    const a = await newTenant(app, 'A');
    const b = await newTenant(app, 'B');
    const mug = await withProduct(app, a.ctx);
    const order = await app.commands.placeOrder(a.ctx, { lines: [{ productId: mug.id, quantity: 1 }] });

    assert.deepEqual(await app.queries.getOrder(a.ctx, order.id), order);
    await assert.rejects(app.queries.getOrder(b.ctx, order.id), {
      name: 'AppError',
      kind: 'not_found',
      code: 'order_not_found',
    });
    await assert.rejects(app.queries.getOrder(a.ctx, 'ord_01JAAAAAAAAAAAAAAAAAAAAAAA'), {
      kind: 'not_found',
      code: 'order_not_found',
    });
  });

  it("lists only the tenant's own orders", async () => {
    const { app } = createTestApplication();
    const a = await newTenant(app, 'A');
    const b = await newTenant(app, 'B');
    const mug = await withProduct(app, a.ctx);
    const order = await app.commands.placeOrder(a.ctx, { lines: [{ productId: mug.id, quantity: 1 }] });

    assert.deepEqual(
      (await app.queries.listOrders(a.ctx, { limit: 10 })).items.map((o) => o.id),
      [order.id],
    );
    assert.deepEqual((await app.queries.listOrders(b.ctx, { limit: 10 })).items, []);
  });
});

describe('cancelOrder', () => {
  it('releases the reserved stock once; a second cancel is a conflict that changes nothing', async () => {
    const { app, store } = createTestApplication();
    const { ctx } = await newTenant(app);
    const mug = await withProduct(app, ctx, 5);
    const order = await app.commands.placeOrder(ctx, { lines: [{ productId: mug.id, quantity: 2 }] });

    const cancelled = await app.commands.cancelOrder(ctx, order.id);
    assert.deepEqual([cancelled.status, cancelled.version, cancelled.updatedAt], ['cancelled', 2, fixedNow]);
    assert.equal(store.products.get(mug.id)?.stock, 5);

    await assert.rejects(app.commands.cancelOrder(ctx, order.id), { kind: 'conflict', code: 'order_not_cancellable' });
    assert.equal(store.products.get(mug.id)?.stock, 5);
    assert.deepEqual(store.orders.get(order.id), cancelled);
    assert.deepEqual(
      store.events.filter((e) => e.aggregateType === 'order').map((e) => [e.type, e.aggregateVersion]),
      [
        ['order.created', 1],
        ['order.cancelled', 2],
      ],
    );
  });

  it("404s another tenant's order and leaves it pending", async () => {
    const { app, store } = createTestApplication();
    const a = await newTenant(app, 'A');
    const b = await newTenant(app, 'B');
    const mug = await withProduct(app, a.ctx);
    const order = await app.commands.placeOrder(a.ctx, { lines: [{ productId: mug.id, quantity: 1 }] });

    await assert.rejects(app.commands.cancelOrder(b.ctx, order.id), { kind: 'not_found', code: 'order_not_found' });
    assert.equal(store.orders.get(order.id)?.status, 'pending_payment');
    assert.equal(store.products.get(mug.id)?.stock, 4);
  });
});
