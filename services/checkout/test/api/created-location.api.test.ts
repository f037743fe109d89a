// Every 201 of the public API says where the new object lives: `Location: /v1/<resource>/<id>`,
// a path relative to the server (RFC 9110 §10.2.2), which a GET with the same key reads back.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../src/adapters/http/openapi-document.ts';
import { backends } from '../support/databases.ts';
import { type ApiClient, type TestService, useTestService } from '../support/service.ts';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** GETs `location` as the server resolves it, with the creating tenant's key. */
async function follow(service: TestService, location: string, token: string): Promise<unknown> {
  const response = await fetch(new URL(location, service.apiUrl), { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200, `GET ${location}`);
  return response.json();
}

describe('the OpenAPI document', () => {
  it('declares a required Location header on every 201, and the creates below are all of them', async () => {
    const document = await buildOpenApiDocument();
    assert.ok(isObject(document.paths));
    const created: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(isObject(item) ? item : {})) {
        const response = isObject(operation) && isObject(operation.responses) ? operation.responses['201'] : undefined;
        if (response === undefined) continue;
        created.push(`${method} ${path}`);
        assert.ok(isObject(response) && isObject(response.headers), `${method} ${path} 201 has headers`);
        const location = response.headers.Location;
        assert.ok(isObject(location) && location.required === true, `${method} ${path} 201 requires Location`);
      }
    }
    // A new create route fails here until a test below shows it sets the header.
    // /v2 runs the same handlers (ADR 0017): test/api/v2-money.api.test.ts reads its Locations.
    assert.deepEqual(created.sort(), [
      'post /v1/orders',
      'post /v1/orders/{id}/payments',
      'post /v1/payments/{id}/refunds',
      'post /v1/products',
      'post /v1/webhook_endpoints',
      'post /v2/orders',
      'post /v2/orders/{id}/payments',
      'post /v2/payments/{id}/refunds',
      'post /v2/products',
      'post /v2/webhook_endpoints',
    ]);
  });
});

/** A pending_payment order of one new product (399 EUR × 2). */
async function placeOrder(api: ApiClient) {
  const product = await api.POST('/v1/products', {
    body: { sku: `sku-${randomUUID()}`, name: 'Tea', unit_amount: 399, currency: 'EUR', stock: 5 },
  });
  assert.ok(product.data, JSON.stringify(product.error));
  const order = await api.POST('/v1/orders', { body: { lines: [{ product_id: product.data.id, quantity: 2 }] } });
  assert.ok(order.data, JSON.stringify(order.error));
  return order.data;
}

for (const backend of backends()) {
  describe(`Location on 201 on ${backend.name}`, () => {
    const service = useTestService(backend);

    it('POST /v1/products answers Location: /v1/products/<id>, which reads back the same product', async () => {
      const { api, token } = await service().newTenant();
      const created = await api.POST('/v1/products', {
        body: { sku: `sku-${randomUUID()}`, name: 'Mug', unit_amount: 1250, currency: 'EUR', stock: 7 },
      });
      assert.equal(created.response.status, 201);
      assert.ok(created.data);
      const location = created.response.headers.get('location');
      assert.equal(location, `/v1/products/${created.data.id}`);
      assert.deepEqual(await follow(service(), location, token), created.data);
    });

    it('POST /v1/webhook_endpoints answers Location: /v1/webhook_endpoints/<id>, which reads back the endpoint (without its secret)', async () => {
      const { api, token } = await service().newTenant();
      const created = await api.POST('/v1/webhook_endpoints', {
        body: { url: 'https://hooks.example.com/location', enabled_events: ['*'] },
      });
      assert.equal(created.response.status, 201);
      assert.ok(created.data);
      const location = created.response.headers.get('location');
      assert.equal(location, `/v1/webhook_endpoints/${created.data.id}`);
      const { secret: _shownOnce, ...endpoint } = created.data;
      assert.deepEqual(await follow(service(), location, token), endpoint);
    });

    it('POST /v1/orders answers Location: /v1/orders/<id>, which reads back the same order', async () => {
      const { api, token } = await service().newTenant();
      const product = await api.POST('/v1/products', {
        body: { sku: `sku-${randomUUID()}`, name: 'Tea', unit_amount: 399, currency: 'EUR', stock: 5 },
      });
      assert.ok(product.data);
      const created = await api.POST('/v1/orders', { body: { lines: [{ product_id: product.data.id, quantity: 2 }] } });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      assert.ok(created.data);
      const location = created.response.headers.get('location');
      assert.equal(location, `/v1/orders/${created.data.id}`);
      assert.deepEqual(await follow(service(), location, token), created.data);
    });

    it('POST /v1/orders/{id}/payments answers Location: /v1/payments/<id>, which reads back the same payment', async () => {
      const { api, token } = await service().newTenant();
      const order = await placeOrder(api);
      const created = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': `pay-${randomUUID()}` } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      assert.ok(created.data);
      const location = created.response.headers.get('location');
      assert.equal(location, `/v1/payments/${created.data.id}`);
      assert.deepEqual(await follow(service(), location, token), created.data);
    });

    it('POST /v1/payments/{id}/refunds answers Location: /v1/refunds/<id>, which reads back the same refund', async () => {
      const { api, token } = await service().newTenant();
      const order = await placeOrder(api);
      const payment = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': `pay-${randomUUID()}` } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.ok(payment.data, JSON.stringify(payment.error));
      const created = await api.POST('/v1/payments/{id}/refunds', {
        params: { path: { id: payment.data.id }, header: { 'Idempotency-Key': `refund-${randomUUID()}` } },
        body: { amount: 100 },
      });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      assert.ok(created.data);
      const location = created.response.headers.get('location');
      assert.equal(location, `/v1/refunds/${created.data.id}`);
      assert.deepEqual(await follow(service(), location, token), created.data);
    });

    it('a create that fails carries no Location', async () => {
      const { api } = await service().newTenant();
      const refused = await api.POST('/v1/orders', {
        body: { lines: [{ product_id: 'prod_01J00000000000000000000000', quantity: 1 }] },
      });
      assert.ok(refused.response.status >= 400, `status ${refused.response.status}`);
      assert.equal(refused.response.headers.get('location'), null);
    });
  });
}
