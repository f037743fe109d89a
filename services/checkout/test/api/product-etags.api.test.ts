// Issue 9 §4: product reads carry an ETag from the version and answer If-None-Match with 304;
// every change (a PATCH, an order reserving or releasing stock) moves the tag at once, because
// writes invalidate the cache before they answer. Orders are never cached.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

for (const backend of backends()) {
  describe(`product ETags on ${backend.name}`, () => {
    const service = useTestService(backend);

    it('GET answers ETag and Cache-Control; If-None-Match answers 304 until the product changes', async () => {
      const { api, token } = await service().newTenant();
      const created = await api.POST('/v1/products', {
        body: { sku: `etag-${randomUUID()}`, name: 'Mug', unit_amount: 500, currency: 'EUR', stock: 5 },
      });
      assert.ok(created.data);
      assert.equal(created.response.headers.get('etag'), '"1"');
      const url = `${service().apiUrl}/v1/products/${created.data.id}`;
      const get = (headers: Record<string, string> = {}) =>
        fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers } });

      const first = await get();
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('etag'), '"1"');
      assert.equal(first.headers.get('cache-control'), 'private, no-cache');
      assert.equal(((await first.json()) as { version: number }).version, 1);

      for (const tag of ['"1"', 'W/"1"', '"7", "1"', '*']) {
        const again = await get({ 'if-none-match': tag });
        assert.equal(again.status, 304, tag);
        assert.equal(again.headers.get('etag'), '"1"');
        assert.equal(again.headers.get('cache-control'), 'private, no-cache');
        assert.equal(await again.text(), '');
        // RFC 9110 §8.6: a 304 may carry Content-Length only if it equals the 200's; none at all is
        // right. ("null" serialized to 4 made parsers that trust it, like autocannon's, wait for a body.)
        assert.equal(again.headers.get('content-length'), null, tag);
      }
      assert.equal((await get({ 'if-none-match': '"2"' })).status, 200);

      const patched = await api.PATCH('/v1/products/{id}', {
        params: { path: { id: created.data.id } },
        body: { name: 'Big mug', version: 1 },
      });
      assert.equal(patched.response.headers.get('etag'), '"2"');
      const afterPatch = await get({ 'if-none-match': '"1"' });
      assert.equal(afterPatch.status, 200);
      assert.equal(afterPatch.headers.get('etag'), '"2"');
      assert.equal(((await afterPatch.json()) as { name: string }).name, 'Big mug');

      // An order reserves stock: the product's version moves, and the cached copy with it.
      const order = await api.POST('/v1/orders', { body: { lines: [{ product_id: created.data.id, quantity: 2 }] } });
      assert.ok(order.data);
      const afterOrder = await get({ 'if-none-match': '"2"' });
      assert.equal(afterOrder.status, 200);
      const moved = (await afterOrder.json()) as { stock: number; version: number };
      assert.deepEqual({ stock: moved.stock, version: moved.version }, { stock: 3, version: 3 });
      assert.equal(afterOrder.headers.get('etag'), '"3"');
      // Cancelling releases the stock: version 4.
      await api.POST('/v1/orders/{id}/cancel', { params: { path: { id: order.data.id } } });
      const afterCancel = await get({ 'if-none-match': '"3"' });
      assert.equal(afterCancel.status, 200);
      assert.equal(afterCancel.headers.get('etag'), '"4"');

      // Repeated reads were served from memory, and /metrics says so.
      const metrics = await (await fetch(`${service().adminUrl}/metrics`)).text();
      const hits = /cache_requests_total\{cache="products",result="local_hit"\} (\d+)/.exec(metrics)?.[1];
      assert.ok(Number(hits) >= 5, `local hits on /metrics: ${hits}`);
      assert.match(metrics, /cache_requests_total\{cache="products",result="load"\} [1-9]/);
    });

    it('orders are never cached: no-store and no ETag', async () => {
      const { api } = await service().newTenant();
      const product = await api.POST('/v1/products', {
        body: { sku: `etag-${randomUUID()}`, name: 'Cup', unit_amount: 100, currency: 'EUR', stock: 5 },
      });
      assert.ok(product.data);
      const order = await api.POST('/v1/orders', { body: { lines: [{ product_id: product.data.id, quantity: 1 }] } });
      assert.ok(order.data);
      const read = await api.GET('/v1/orders/{id}', { params: { path: { id: order.data.id } } });
      assert.equal(read.response.headers.get('cache-control'), 'no-store');
      assert.equal(read.response.headers.get('etag'), null);
    });
  });
}
