// The v1 contract after /v2 (ADR 0017): a client generated before /v2 existed (the frozen copy
// of its types) drives v1's main flows against today's server and reads exactly the bodies it
// read then: the same keys, flat money, nothing more. Every answer says v1 is deprecated.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import createClient from 'openapi-fetch';
import { v1DeprecationHeaders } from '../../src/adapters/http/versions.ts';
import type { paths } from '../generated/checkout-api.v1-frozen.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const productKeys = [
  'object',
  'id',
  'sku',
  'name',
  'unit_amount',
  'currency',
  'stock',
  'version',
  'created_at',
  'updated_at',
];
const orderKeys = [
  'object',
  'id',
  'status',
  'currency',
  'amount_total',
  'lines',
  'version',
  'expires_at',
  'created_at',
  'updated_at',
];
const lineKeys = ['product_id', 'quantity', 'unit_amount', 'amount'];
const paymentKeys = [
  'object',
  'id',
  'order_id',
  'amount',
  'currency',
  'status',
  'amount_refunded',
  'payment_method',
  'failure_code',
  'failure_message',
  'decline_code',
  'created_at',
  'updated_at',
];
const refundKeys = [
  'object',
  'id',
  'payment_id',
  'order_id',
  'amount',
  'currency',
  'status',
  'reason',
  'failure_code',
  'failure_message',
  'created_at',
  'updated_at',
];

/** The body has exactly these keys, in this order (v1's serializer order, unchanged). */
function assertKeys(body: object | undefined, keys: readonly string[], what: string): void {
  assert.deepEqual(Object.keys(body ?? {}), keys, `${what}: ${JSON.stringify(body)}`);
}

function assertDeprecated(response: Response, what: string): void {
  assert.equal(response.headers.get('deprecation'), v1DeprecationHeaders.deprecation, what);
  assert.equal(response.headers.get('sunset'), v1DeprecationHeaders.sunset, what);
  assert.equal(response.headers.get('link'), v1DeprecationHeaders.link, what);
}

for (const backend of backends()) {
  describe(`the v1 contract, driven by the client generated before /v2 (${backend.name})`, () => {
    const service = useTestService(backend);

    async function frozenClient() {
      const { token } = await service().newTenant();
      return createClient<paths>({ baseUrl: service().apiUrl, headers: { authorization: `Bearer ${token}` } });
    }

    it('products: create, get, 304, list, patch, and a stale patch, with v1 bodies and headers', async () => {
      const api = await frozenClient();
      const sku = `sku-${randomUUID()}`;
      const created = await api.POST('/v1/products', {
        body: { sku, name: 'Mug', unit_amount: 1250, currency: 'EUR', stock: 7 },
      });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      assertDeprecated(created.response, 'create');
      const product = created.data ?? assert.fail('a product');
      assertKeys(product, productKeys, 'created product');
      assert.deepEqual(
        { ...product, id: '', created_at: '', updated_at: '' },
        {
          object: 'product',
          id: '',
          sku,
          name: 'Mug',
          unit_amount: 1250,
          currency: 'EUR',
          stock: 7,
          version: 1,
          created_at: '',
          updated_at: '',
        },
      );
      assert.equal(created.response.headers.get('location'), `/v1/products/${product.id}`);

      const read = await api.GET('/v1/products/{id}', { params: { path: { id: product.id } } });
      assert.deepEqual(read.data, product);
      assertDeprecated(read.response, 'get');
      const etag = read.response.headers.get('etag') ?? assert.fail('an ETag');
      const unchanged = await api.GET('/v1/products/{id}', {
        params: { path: { id: product.id }, header: { 'if-none-match': etag } },
      });
      assert.equal(unchanged.response.status, 304);
      assertDeprecated(unchanged.response, '304');

      const list = await api.GET('/v1/products', { params: { query: { limit: 10 } } });
      assert.deepEqual(list.data, { object: 'list', data: [product], has_more: false });
      assertDeprecated(list.response, 'list');

      const patched = await api.PATCH('/v1/products/{id}', {
        params: { path: { id: product.id } },
        body: { unit_amount: 990, stock: 5, version: 1 },
      });
      assert.equal(patched.response.status, 200, JSON.stringify(patched.error));
      assertKeys(patched.data, productKeys, 'patched product');
      assert.equal(patched.data?.unit_amount, 990);
      assert.equal(patched.data?.currency, 'EUR');
      assert.equal(patched.data?.version, 2);

      const stale = await api.PATCH('/v1/products/{id}', {
        params: { path: { id: product.id } },
        body: { unit_amount: 1, version: 1 },
      });
      assert.equal(stale.response.status, 409);
      assert.equal(stale.error?.code, 'version_conflict');
      assertDeprecated(stale.response, '409');
    });

    it('v1 bad input keeps v1 issue paths and messages', async () => {
      const api = await frozenClient();
      const bad = await api.POST('/v1/products', {
        // Safe: a wrong type on purpose, as a client with a bug would send it.
        body: { sku: 'a', name: 'b', unit_amount: '5' as unknown as number, currency: 'USD', stock: 1 },
      });
      assert.equal(bad.response.status, 400);
      assert.equal(bad.error?.code, 'invalid_request');
      assert.deepEqual(
        bad.error?.issues?.map((issue) => issue.path),
        ['body.unit_amount'],
      );
      assertDeprecated(bad.response, '400');
      const empty = await api.PATCH('/v1/products/{id}', {
        params: { path: { id: 'prod_01J00000000000000000000000' } },
        body: { version: 1 },
      });
      assert.equal(empty.response.status, 400);
      assert.match(JSON.stringify(empty.error?.issues), /Provide at least one of name, unit_amount, stock\./);
    });

    it('orders, a payment and a refund: place, get, pay, refund in part, cancel another', async () => {
      const api = await frozenClient();
      const created = await api.POST('/v1/products', {
        body: { sku: `sku-${randomUUID()}`, name: 'Tea', unit_amount: 1500, currency: 'USD', stock: 100 },
      });
      const productId = created.data?.id ?? assert.fail(JSON.stringify(created.error));

      const placed = await api.POST('/v1/orders', { body: { lines: [{ product_id: productId, quantity: 2 }] } });
      assert.equal(placed.response.status, 201, JSON.stringify(placed.error));
      assertDeprecated(placed.response, 'place');
      const order = placed.data ?? assert.fail('an order');
      assertKeys(order, orderKeys, 'order');
      assert.equal(order.status, 'pending_payment');
      assert.equal(order.currency, 'USD');
      assert.equal(order.amount_total, 3000);
      assert.deepEqual(order.lines, [{ product_id: productId, quantity: 2, unit_amount: 1500, amount: 3000 }]);
      assertKeys(order.lines[0], lineKeys, 'order line');
      const read = await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
      assert.deepEqual(read.data, order);
      const listed = await api.GET('/v1/orders', { params: { query: { status: 'pending_payment' } } });
      assert.deepEqual(listed.data?.data, [order]);

      const paid = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': `pay-${randomUUID()}` } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
      assertDeprecated(paid.response, 'pay');
      const payment = paid.data ?? assert.fail('a payment');
      assertKeys(payment, paymentKeys, 'payment');
      assert.equal(payment.status, 'succeeded');
      assert.equal(payment.amount, 3000);
      assert.equal(payment.currency, 'USD');
      assert.equal(payment.amount_refunded, 0);
      const readPayment = await api.GET('/v1/payments/{id}', { params: { path: { id: payment.id } } });
      assert.deepEqual(readPayment.data, payment);
      const payments = await api.GET('/v1/payments', { params: { query: { order_id: order.id } } });
      assert.deepEqual(payments.data?.data, [payment]);

      const refunded = await api.POST('/v1/payments/{id}/refunds', {
        params: { path: { id: payment.id }, header: { 'Idempotency-Key': `refund-${randomUUID()}` } },
        body: { amount: 1000, reason: 'one broke' },
      });
      assert.equal(refunded.response.status, 201, JSON.stringify(refunded.error));
      const refund = refunded.data ?? assert.fail('a refund');
      assertKeys(refund, refundKeys, 'refund');
      assert.equal(refund.amount, 1000);
      assert.equal(refund.currency, 'USD');
      assert.equal(refund.status, 'succeeded');
      const refunds = await api.GET('/v1/payments/{id}/refunds', { params: { path: { id: payment.id } } });
      assert.deepEqual(refunds.data, { object: 'list', data: [refund], has_more: false });
      const readRefund = await api.GET('/v1/refunds/{id}', { params: { path: { id: refund.id } } });
      assert.deepEqual(readRefund.data, refund);
      assert.equal(
        (await api.GET('/v1/payments/{id}', { params: { path: { id: payment.id } } })).data?.amount_refunded,
        1000,
      );

      const other = await api.POST('/v1/orders', { body: { lines: [{ product_id: productId, quantity: 1 }] } });
      const cancelled = await api.POST('/v1/orders/{id}/cancel', {
        params: { path: { id: other.data?.id ?? assert.fail('an order') } },
      });
      assert.equal(cancelled.response.status, 200, JSON.stringify(cancelled.error));
      assertKeys(cancelled.data, orderKeys, 'cancelled order');
      assert.equal(cancelled.data?.status, 'cancelled');
      assert.equal(cancelled.data?.amount_total, 1500);
    });

    it('the index, a chassis 400, an unauthenticated request and an unknown object are deprecated answers too', async () => {
      const index = await fetch(`${service().apiUrl}/v1`);
      assert.equal(index.status, 200);
      assertDeprecated(index, 'index');
      await index.body?.cancel();
      const anonymous = await fetch(`${service().apiUrl}/v1/products`);
      assert.equal(anonymous.status, 401);
      assertDeprecated(anonymous, '401');
      await anonymous.body?.cancel();
      // Refused by the chassis before any of v1's own hooks run.
      const badDeadline = await fetch(`${service().apiUrl}/v1/products`, {
        headers: { 'x-request-deadline': 'tomorrow' },
      });
      assert.equal(badDeadline.status, 400);
      assertDeprecated(badDeadline, 'a chassis 400');
      await badDeadline.body?.cancel();
      const api = await frozenClient();
      const missing = await api.GET('/v1/orders/{id}', { params: { path: { id: 'ord_01J00000000000000000000000' } } });
      assert.equal(missing.response.status, 404);
      assertDeprecated(missing.response, '404');
    });
  });
}
