// Races through real HTTP: many requests in flight at once against the same rows. No sleeps:
// every request is started before any is awaited, and the database's row locks decide.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { type CallResult, createExchangeLog, type ExchangeLog, outboxCount } from '../support/api-checks.ts';
import { backends } from '../support/databases.ts';
import { type ApiClient, useTestService } from '../support/service.ts';

async function createProduct(api: ApiClient, stock: number) {
  const body = { sku: `sku-${randomUUID()}`, name: 'Limited mug', unit_amount: 1500, currency: 'EUR', stock };
  const { data, response } = await api.POST('/v1/products', { body });
  assert.equal(response.status, 201);
  assert.ok(data);
  return data;
}

async function stockOf(api: ApiClient, id: string): Promise<number | undefined> {
  return (await api.GET('/v1/products/{id}', { params: { path: { id } } })).data?.stock;
}

/** `status code` → how many responses answered it, e.g. `{ '201': 10, '409 insufficient_stock': 40 }`. */
function tally(results: readonly CallResult[], log: ExchangeLog): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { response } of results) {
    const body: unknown = response.ok ? undefined : JSON.parse(log.bodyOf(response));
    const code = typeof body === 'object' && body !== null && 'code' in body ? ` ${String(body.code)}` : '';
    const key = `${response.status}${code}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

for (const backend of backends()) {
  describe(`concurrency through HTTP on ${backend.name}`, () => {
    const service = useTestService(backend);
    const log = createExchangeLog();

    async function tenant() {
      const created = await service().newTenant();
      created.api.use(log.middleware);
      return created;
    }

    it('50 concurrent orders of 1 for a stock of 10: exactly 10 placed, 40 insufficient_stock, stock 0', async () => {
      const { api, tenantId } = await tenant();
      const { id } = await createProduct(api, 10);
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          api.POST('/v1/orders', { body: { lines: [{ product_id: id, quantity: 1 }] } }),
        ),
      );
      assert.deepEqual(tally(results, log), { '201': 10, '409 insufficient_stock': 40 });
      const placed = results.flatMap((r) => (r.data === undefined ? [] : [r.data.id]));
      assert.equal(new Set(placed).size, 10);
      assert.equal(await stockOf(api, id), 0);
      assert.equal(await outboxCount(service().database.db, tenantId, 'order.created'), 10);
      const listed = await api.GET('/v1/orders', { params: { query: { limit: 100 } } });
      assert.deepEqual(listed.data?.data.map((o) => o.id).sort(), [...placed].sort());
    });

    it('orders locking two products in opposite line order all succeed (no deadlock)', async () => {
      const { api } = await tenant();
      const first = await createProduct(api, 100);
      const second = await createProduct(api, 100);
      const forward = [
        { product_id: first.id, quantity: 1 },
        { product_id: second.id, quantity: 1 },
      ];
      const backward = [...forward].reverse();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          api.POST('/v1/orders', { body: { lines: i % 2 === 0 ? forward : backward } }),
        ),
      );
      assert.deepEqual(tally(results, log), { '201': 30 });
      assert.equal(await stockOf(api, first.id), 70);
      assert.equal(await stockOf(api, second.id), 70);
    });

    it('20 concurrent cancels of one order: exactly one succeeds, stock released once', async () => {
      const { api, tenantId } = await tenant();
      const { id } = await createProduct(api, 10);
      const order = await api.POST('/v1/orders', { body: { lines: [{ product_id: id, quantity: 3 }] } });
      assert.ok(order.data);
      const orderId = order.data.id;
      assert.equal(await stockOf(api, id), 7);

      const results = await Promise.all(
        Array.from({ length: 20 }, () => api.POST('/v1/orders/{id}/cancel', { params: { path: { id: orderId } } })),
      );
      assert.deepEqual(tally(results, log), { '200': 1, '409 order_not_cancellable': 19 });
      assert.equal(await stockOf(api, id), 10);
      assert.equal(await outboxCount(service().database.db, tenantId, 'order.cancelled'), 1);
      const read = await api.GET('/v1/orders/{id}', { params: { path: { id: orderId } } });
      assert.equal(read.data?.status, 'cancelled');
      assert.equal(read.data?.version, 2);
    });

    it('10 concurrent PATCHes with the same version: exactly one wins, 9 version_conflict', async () => {
      const { api, tenantId } = await tenant();
      const { id, version } = await createProduct(api, 10);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.PATCH('/v1/products/{id}', { params: { path: { id } }, body: { stock: 100 + i, version } }),
        ),
      );
      assert.deepEqual(tally(results, log), { '200': 1, '409 version_conflict': 9 });
      const winner = results.find((r) => r.response.status === 200)?.data;
      const read = await api.GET('/v1/products/{id}', { params: { path: { id } } });
      assert.equal(read.data?.stock, winner?.stock);
      assert.equal(read.data?.version, version + 1);
      assert.equal(await outboxCount(service().database.db, tenantId, 'product.updated'), 1);
    });
  });
}
