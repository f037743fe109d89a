import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { type TestService, useTestService } from '../support/service.ts';

// Idempotency-Key on the routes that take it optionally (orders, products, cancel): one
// execution per key, the stored answer replayed byte for byte, and the order's own recovery
// point for an attempt that committed but whose answer was never stored.

async function raw(service: TestService, token: string, path: string, body: unknown, key?: string) {
  const response = await fetch(`${service.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function orderCount(service: TestService, tenantId: string): Promise<number> {
  const { rows } = await service.database.db.query<{ n: number }>(
    { deadline: Date.now() + 5_000 },
    'SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1',
    [tenantId],
  );
  return rows[0]?.n ?? -1;
}

for (const backend of backends()) {
  describe(`Idempotency-Key on POST /v1/orders, products and cancel (${backend.name})`, () => {
    const service = useTestService(backend);

    async function tenantWithProduct() {
      const tenant = await service().newTenant();
      const product = await raw(service(), tenant.token, '/v1/products', {
        sku: `sku-${randomBytes(3).toString('hex')}`,
        name: 'Mug',
        unit_amount: 500,
        currency: 'EUR',
        stock: 100,
      });
      assert.equal(product.status, 201, product.text);
      return { ...tenant, productId: String(JSON.parse(product.text).id) };
    }

    it('the same key places one order and replays its answer byte for byte', async () => {
      const { tenantId, token, productId } = await tenantWithProduct();
      const body = { lines: [{ product_id: productId, quantity: 2 }] };
      const first = await raw(service(), token, '/v1/orders', body, 'order-key-1');
      assert.equal(first.status, 201, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await raw(service(), token, '/v1/orders', body, 'order-key-1');
      assert.equal(again.status, 201);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.headers.get('location'), first.headers.get('location'));
      assert.equal(await orderCount(service(), tenantId), 1);
    });

    it('the same key with another body is 422 idempotency_key_reused, and places nothing', async () => {
      const { tenantId, token, productId } = await tenantWithProduct();
      await raw(service(), token, '/v1/orders', { lines: [{ product_id: productId, quantity: 1 }] }, 'k-reuse');
      const other = await raw(
        service(),
        token,
        '/v1/orders',
        { lines: [{ product_id: productId, quantity: 3 }] },
        'k-reuse',
      );
      assert.equal(other.status, 422, other.text);
      assert.equal(JSON.parse(other.text).code, 'idempotency_key_reused');
      assert.equal(await orderCount(service(), tenantId), 1);
    });

    it('keys are per tenant: another tenant may use the same key', async () => {
      const a = await tenantWithProduct();
      const b = await tenantWithProduct();
      const body = (productId: string) => ({ lines: [{ product_id: productId, quantity: 1 }] });
      assert.equal((await raw(service(), a.token, '/v1/orders', body(a.productId), 'shared')).status, 201);
      assert.equal((await raw(service(), b.token, '/v1/orders', body(b.productId), 'shared')).status, 201);
      assert.equal(await orderCount(service(), b.tenantId), 1);
    });

    it('a rejected request (bad body) stores nothing: the key then works for a valid one', async () => {
      const { tenantId, token, productId } = await tenantWithProduct();
      const bad = await raw(service(), token, '/v1/orders', { lines: [] }, 'k-after-400');
      assert.equal(bad.status, 400);
      const good = await raw(
        service(),
        token,
        '/v1/orders',
        { lines: [{ product_id: productId, quantity: 1 }] },
        'k-after-400',
      );
      assert.equal(good.status, 201, good.text);
      assert.equal(await orderCount(service(), tenantId), 1);
    });

    it('a malformed key is 400 idempotency_key_invalid', async () => {
      const { token, productId } = await tenantWithProduct();
      const bad = await raw(
        service(),
        token,
        '/v1/orders',
        { lines: [{ product_id: productId, quantity: 1 }] },
        'x'.repeat(256),
      );
      assert.equal(bad.status, 400);
      assert.equal(JSON.parse(bad.text).code, 'idempotency_key_invalid');
    });

    it('an attempt that committed but never stored its answer is recovered, not placed twice', async () => {
      const { tenantId, token, productId } = await tenantWithProduct();
      const body = { lines: [{ product_id: productId, quantity: 1 }] };
      const first = await raw(service(), token, '/v1/orders', body, 'k-lost');
      assert.equal(first.status, 201);
      // As if the process died after the commit: the stored answer is gone, the lease expired.
      await service().database.db.query(
        { deadline: Date.now() + 5_000 },
        `UPDATE idempotency_keys SET response_status = NULL, response_headers = NULL, response_body = NULL,
                completed_at = NULL, locked_until = now() - interval '1 second'
          WHERE tenant_id = $1 AND key = 'k-lost'`,
        [tenantId],
      );
      const retry = await raw(service(), token, '/v1/orders', body, 'k-lost');
      assert.equal(retry.status, 201, retry.text);
      assert.equal(JSON.parse(retry.text).id, JSON.parse(first.text).id, 'the retry answers the order already placed');
      assert.equal(await orderCount(service(), tenantId), 1);
    });
  });
}
