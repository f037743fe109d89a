import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anonymousContext, createTestApplication } from './fakes.ts';

// Reaching a tenant-scoped use case without a tenant is a wiring bug in a transport,
// never the caller's fault: it must surface as `internal` and touch no repository.
describe('tenant-scoped use cases without an authenticated tenant', () => {
  it('fail as internal errors before calling any repository', async () => {
    const { app, store } = createTestApplication();
    const ctx = anonymousContext();
    // Wrapped in async functions: some of these throw synchronously today (see the todo below).
    const calls = {
      placeOrder: async () => app.commands.placeOrder(ctx, { lines: [{ productId: 'prod_x', quantity: 1 }] }),
      cancelOrder: async () => app.commands.cancelOrder(ctx, 'ord_x'),
      getOrder: async () => app.queries.getOrder(ctx, 'ord_x'),
      listOrders: async () => app.queries.listOrders(ctx, { limit: 10 }),
      createProduct: async () =>
        app.commands.createProduct(ctx, { sku: 'S', name: 'N', unitAmount: 1, currency: 'EUR', stock: 1 }),
      updateProduct: async () => app.commands.updateProduct(ctx, { id: 'prod_x', version: 1, stock: 1 }),
      getProduct: async () => app.queries.getProduct(ctx, 'prod_x'),
      listProducts: async () => app.queries.listProducts(ctx, { limit: 10 }),
    };
    for (const [name, call] of Object.entries(calls)) {
      await assert.rejects(call, { name: 'AppError', kind: 'internal', code: 'internal_error' }, name);
    }
    assert.deepEqual(store.calls, []);
  });

  it('reject their promise instead of throwing synchronously', async () => {
    const { app } = createTestApplication();
    const ctx = anonymousContext();
    const calls = {
      cancelOrder: () => app.commands.cancelOrder(ctx, 'ord_x'),
      listOrders: () => app.queries.listOrders(ctx, { limit: 10 }),
      updateProduct: () => app.commands.updateProduct(ctx, { id: 'prod_x', version: 1, stock: 1 }),
      listProducts: () => app.queries.listProducts(ctx, { limit: 10 }),
    };
    for (const [name, call] of Object.entries(calls)) {
      let promise: Promise<unknown> = Promise.resolve();
      assert.doesNotThrow(() => {
        promise = call();
      }, `${name} threw synchronously`);
      await assert.rejects(promise, { kind: 'internal', code: 'internal_error' }, name);
    }
  });
});
