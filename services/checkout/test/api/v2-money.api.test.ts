// API v2 (ADR 0017): money is an object {amount, currency} on products, orders, payments and
// refunds; v1's flat fields are refused with a hint; a currency that is not the object's own is
// 400 currency_mismatch and changes nothing; v1 and v2 read the same objects. An
// Idempotency-Key belongs to the version it was first used with.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { type ApiClient, useTestService } from '../support/service.ts';
import { rawPost } from './payment-fixtures.ts';

async function productV2(api: ApiClient, amount = 1500, currency = 'USD') {
  const created = await api.POST('/v2/products', {
    body: { sku: `sku-${randomUUID()}`, name: 'Mug', price: { amount, currency }, stock: 100 },
  });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  return created.data ?? assert.fail('a product');
}

for (const backend of backends()) {
  describe(`API v2 money objects (${backend.name})`, () => {
    const service = useTestService(backend);

    it('GET /v2 is the index of v2, not deprecated', async () => {
      const index = await service().client().GET('/v2', {});
      assert.deepEqual(index.data, {
        object: 'api',
        version: 'v2',
        resources: {
          products: '/v2/products',
          orders: '/v2/orders',
          payments: '/v2/payments',
          events: '/v2/events',
          webhook_endpoints: '/v2/webhook_endpoints',
        },
        docs: '/docs',
        openapi: '/openapi.json',
      });
      assert.equal(index.response.headers.get('deprecation'), null);
    });

    it('a product has a price object, at /v2, and v1 reads the same product flat', async () => {
      const { api } = await service().newTenant();
      const created = await api.POST('/v2/products', {
        body: { sku: `sku-${randomUUID()}`, name: 'Mug', price: { amount: 1250, currency: 'EUR' }, stock: 7 },
      });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      const product = created.data ?? assert.fail('a product');
      assert.deepEqual(product.price, { amount: 1250, currency: 'EUR' });
      assert.ok(!('unit_amount' in product) && !('currency' in product), JSON.stringify(product));
      assert.equal(created.response.headers.get('location'), `/v2/products/${product.id}`);
      // v2 is current: none of v1's deprecation headers.
      assert.equal(created.response.headers.get('deprecation'), null);
      assert.equal(created.response.headers.get('sunset'), null);

      const read = await api.GET('/v2/products/{id}', { params: { path: { id: product.id } } });
      assert.deepEqual(read.data, product);
      const list = await api.GET('/v2/products', {});
      assert.deepEqual(list.data, { object: 'list', data: [product], has_more: false });
      const v1 = await api.GET('/v1/products/{id}', { params: { path: { id: product.id } } });
      assert.equal(v1.data?.unit_amount, 1250);
      assert.equal(v1.data?.currency, 'EUR');
      assert.equal(v1.response.headers.get('etag'), read.response.headers.get('etag'));

      const patched = await api.PATCH('/v2/products/{id}', {
        params: { path: { id: product.id } },
        body: { price: { amount: 990, currency: 'EUR' }, version: 1 },
      });
      assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
      assert.deepEqual(patched.data?.price, { amount: 990, currency: 'EUR' });
      // The currency may be left out on a change: the product's own applies.
      const again = await api.PATCH('/v2/products/{id}', {
        params: { path: { id: product.id } },
        body: { price: { amount: 995 }, version: 2 },
      });
      assert.deepEqual(again.data?.price, { amount: 995, currency: 'EUR' });
    });

    it('an order has a total and lines with unit_price and total, all in its currency', async () => {
      const { api } = await service().newTenant();
      const product = await productV2(api, 1500, 'USD');
      const placed = await api.POST('/v2/orders', { body: { lines: [{ product_id: product.id, quantity: 3 }] } });
      assert.equal(placed.response.status, 201, JSON.stringify(placed.error));
      const order = placed.data ?? assert.fail('an order');
      assert.deepEqual(order.total, { amount: 4500, currency: 'USD' });
      assert.deepEqual(order.lines, [
        {
          product_id: product.id,
          quantity: 3,
          unit_price: { amount: 1500, currency: 'USD' },
          total: { amount: 4500, currency: 'USD' },
        },
      ]);
      assert.ok(!('amount_total' in order) && !('currency' in order), JSON.stringify(order));
      const v1 = await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
      assert.equal(v1.data?.amount_total, 4500);
      const cancelled = await api.POST('/v2/orders/{id}/cancel', { params: { path: { id: order.id } } });
      assert.deepEqual(cancelled.data?.total, order.total);
    });

    it('a payment and its refunds carry amount objects; a refund in another currency is refused and changes nothing', async () => {
      const { api } = await service().newTenant();
      const product = await productV2(api, 1500, 'USD');
      const placed = await api.POST('/v2/orders', { body: { lines: [{ product_id: product.id, quantity: 2 }] } });
      const orderId = placed.data?.id ?? assert.fail(JSON.stringify(placed.error));
      const paid = await api.POST('/v2/orders/{id}/payments', {
        params: { path: { id: orderId }, header: { 'Idempotency-Key': `pay-${randomUUID()}` } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
      const payment = paid.data ?? assert.fail('a payment');
      assert.equal(placed.response.headers.get('location'), `/v2/orders/${orderId}`);
      assert.equal(paid.response.headers.get('location'), `/v2/payments/${payment.id}`);
      assert.deepEqual(payment.amount, { amount: 3000, currency: 'USD' });
      assert.deepEqual(payment.amount_refunded, { amount: 0, currency: 'USD' });

      const mismatch = await api.POST('/v2/payments/{id}/refunds', {
        params: { path: { id: payment.id }, header: { 'Idempotency-Key': `refund-${randomUUID()}` } },
        body: { amount: { amount: 500, currency: 'EUR' } },
      });
      assert.equal(mismatch.response.status, 400);
      assert.equal(mismatch.error?.code, 'currency_mismatch');
      const none = await api.GET('/v2/payments/{id}/refunds', { params: { path: { id: payment.id } } });
      assert.deepEqual(none.data?.data, []);

      const refunded = await api.POST('/v2/payments/{id}/refunds', {
        params: { path: { id: payment.id }, header: { 'Idempotency-Key': `refund-${randomUUID()}` } },
        body: { amount: { amount: 500, currency: 'USD' }, reason: 'dented' },
      });
      assert.equal(refunded.response.status, 201, JSON.stringify(refunded.error));
      assert.deepEqual(refunded.data?.amount, { amount: 500, currency: 'USD' });
      assert.equal(refunded.response.headers.get('location'), `/v2/refunds/${refunded.data?.id}`);
      const endpoint = await api.POST('/v2/webhook_endpoints', {
        body: { url: 'https://hooks.example.com/v2', enabled_events: ['*'] },
      });
      assert.equal(endpoint.response.headers.get('location'), `/v2/webhook_endpoints/${endpoint.data?.id}`);
      const after = await api.GET('/v2/payments/{id}', { params: { path: { id: payment.id } } });
      assert.deepEqual(after.data?.amount_refunded, { amount: 500, currency: 'USD' });
      const listed = await api.GET('/v2/payments', { params: { query: { order_id: orderId } } });
      assert.deepEqual(
        listed.data?.data.map((p) => p.amount_refunded),
        [{ amount: 500, currency: 'USD' }],
      );
    });

    it('bad v2 input: flat money is refused with a hint, a price in another currency is currency_mismatch', async () => {
      const { api, token } = await service().newTenant();
      const flat = await rawPost(service(), token, '/v2/products', {
        sku: `sku-${randomUUID()}`,
        name: 'Mug',
        unit_amount: 1250,
        currency: 'EUR',
        stock: 1,
      });
      assert.equal(flat.status, 400, flat.text);
      const problem = JSON.parse(flat.text) as { code: string; issues: { path: string; message: string }[] };
      assert.equal(problem.code, 'invalid_request');
      assert.ok(
        problem.issues.some((issue) => /flat money fields are API v1; in \/v2 money is an object/.test(issue.message)),
        flat.text,
      );
      assert.ok(
        problem.issues.some((issue) => issue.path === 'body.price'),
        flat.text,
      );

      const floatAmount = await rawPost(service(), token, '/v2/products', {
        sku: `sku-${randomUUID()}`,
        name: 'Mug',
        price: { amount: 12.5, currency: 'EUR' },
        stock: 1,
      });
      assert.equal(floatAmount.status, 400);
      assert.match(floatAmount.text, /"path":"body\.price\.amount"/);
      const noCurrency = await rawPost(service(), token, '/v2/products', {
        sku: `sku-${randomUUID()}`,
        name: 'Mug',
        price: { amount: 1250 },
        stock: 1,
      });
      assert.equal(noCurrency.status, 400, 'a new product must say its currency');
      assert.match(noCurrency.text, /"path":"body\.price\.currency"/);

      const product = await productV2(api, 1500, 'USD');
      const mismatch = await api.PATCH('/v2/products/{id}', {
        params: { path: { id: product.id } },
        body: { price: { amount: 1400, currency: 'EUR' }, version: 1 },
      });
      assert.equal(mismatch.response.status, 400);
      assert.equal(mismatch.error?.code, 'currency_mismatch');
      const unchanged = await api.GET('/v2/products/{id}', { params: { path: { id: product.id } } });
      assert.deepEqual(unchanged.data, product);
    });

    it('an Idempotency-Key replays in its own version; the same key on the other version is 422 and executes nothing', async () => {
      const { token, api } = await service().newTenant();
      const key = `product-${randomUUID()}`;
      const sku = `sku-${randomUUID()}`;
      const v1Body = { sku, name: 'Mug', unit_amount: 700, currency: 'USD', stock: 1 };
      const first = await rawPost(service(), token, '/v1/products', v1Body, { 'idempotency-key': key });
      assert.equal(first.status, 201, first.text);
      const replay = await rawPost(service(), token, '/v1/products', v1Body, { 'idempotency-key': key });
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      // Stored after the converter: the replay is v1's bytes, deprecation headers included.
      assert.equal(replay.text, first.text);
      assert.equal(JSON.parse(replay.text).unit_amount, 700);
      assert.equal(replay.headers.get('deprecation'), first.headers.get('deprecation'));

      const v2Body = { sku, name: 'Mug', price: { amount: 700, currency: 'USD' }, stock: 1 };
      const crossed = await rawPost(service(), token, '/v2/products', v2Body, { 'idempotency-key': key });
      assert.equal(crossed.status, 422, crossed.text);
      assert.equal(JSON.parse(crossed.text).code, 'idempotency_key_reused');

      const otherKey = `product-${randomUUID()}`;
      const inV2 = await rawPost(
        service(),
        token,
        '/v2/products',
        { ...v2Body, sku: `${sku}-2` },
        { 'idempotency-key': otherKey },
      );
      assert.equal(inV2.status, 201, inV2.text);
      const backInV1 = await rawPost(
        service(),
        token,
        '/v1/products',
        { ...v1Body, sku: `${sku}-2` },
        { 'idempotency-key': otherKey },
      );
      assert.equal(backInV1.status, 422, backInV1.text);
      const products = await api.GET('/v2/products', {});
      assert.equal(products.data?.data.length, 2, 'one product per key, none from the crossed retries');
    });
  });
}
