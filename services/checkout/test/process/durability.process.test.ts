import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import createClient from 'openapi-fetch';
import type { paths } from '../generated/checkout-api.ts';
import { type ServiceProcess, serviceEnv, startServiceProcess, tempDir } from '../support/service-process.ts';

// Embedded mode keeps its data in the data directory: what one process wrote, the next one
// started on the same directory serves unchanged, and the demo key is minted only once.

const demoBanner =
  /Demo tenant (ten_\S+) was created with this API key[\s\S]*?\n\s+(key_[0-9A-Z]+\.[\w-]+)\n[\s\S]*Try: [^\n]*\n/;

describe('embedded mode survives a restart on the same data directory', () => {
  const dir = tempDir();
  const started: ServiceProcess[] = [];

  after(async () => {
    for (const service of started) await service.kill();
    dir.remove();
  });

  it('keeps the demo key, products, orders and stock reservations', { timeout: 85_000 }, async () => {
    const first = await startServiceProcess(await serviceEnv({ dataDir: dir.path }));
    started.push(first);
    const [, tenantId, token] = await first.waitForStdout(demoBanner, 5_000);
    assert.ok(tenantId !== undefined && token !== undefined);
    const adminToken = readFileSync(join(dir.path, 'admin-token'), 'utf8');

    const api = createClient<paths>({ baseUrl: first.apiUrl, headers: { authorization: `Bearer ${token}` } });
    const created = await api.POST('/v1/products', {
      body: { sku: 'durable-1', name: 'Durable mug', unit_amount: 1250, currency: 'EUR', stock: 7 },
    });
    assert.equal(created.response.status, 201, JSON.stringify(created.error));
    const productId = created.data?.id ?? assert.fail('no product id');
    const placed = await api.POST('/v1/orders', { body: { lines: [{ product_id: productId, quantity: 3 }] } });
    assert.equal(placed.response.status, 201, JSON.stringify(placed.error));
    const order = placed.data ?? assert.fail('no order');
    assert.equal(order.status, 'pending_payment');
    assert.equal(order.amount_total, 3 * 1250);
    const product = (await api.GET('/v1/products/{id}', { params: { path: { id: productId } } })).data;
    assert.equal(product?.stock, 4, 'the order reserved 3 of 7');

    assert.deepEqual(await first.stop(), { code: 0, signal: null }, first.describe());
    assert.equal(existsSync(join(dir.path, 'server.json')), false, 'the stopped server unregistered itself');

    const second = await startServiceProcess(await serviceEnv({ dataDir: dir.path }));
    started.push(second);
    assert.doesNotMatch(second.stdout, /Demo tenant/);
    assert.doesNotMatch(second.stdout, /key_/);
    assert.equal(readFileSync(join(dir.path, 'admin-token'), 'utf8'), adminToken, 'the admin token is kept');

    const again = createClient<paths>({ baseUrl: second.apiUrl, headers: { authorization: `Bearer ${token}` } });
    const productAfter = await again.GET('/v1/products/{id}', { params: { path: { id: productId } } });
    assert.equal(productAfter.response.status, 200, 'the demo key still authenticates');
    assert.deepEqual(productAfter.data, product, 'same product, stock still reserved');
    const orderAfter = await again.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
    assert.deepEqual(orderAfter.data, order);
    const listed = await again.GET('/v1/orders', { params: { query: { status: 'pending_payment' } } });
    assert.deepEqual(
      listed.data?.data.map((o) => o.id),
      [order.id],
    );

    assert.deepEqual(await second.stop(), { code: 0, signal: null }, second.describe());
  });

  it('a second serve on the same data directory refuses to start', {
    timeout: 80_000,
  }, async () => {
    const twin = tempDir();
    try {
      const first = await serviceEnv({ dataDir: twin.path });
      const second = await serviceEnv({ dataDir: twin.path });
      const outcomes = await Promise.allSettled([startServiceProcess(first), startServiceProcess(second)]);
      const ready = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      started.push(...ready);
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
      assert.equal(ready.length, 1, `exactly one server may hold the directory; ${ready.length} started`);
      assert.match(refused[0] ?? '', /another Keelson process \(pid \d+\) is using/);
    } finally {
      for (const service of started) await service.kill();
      twin.remove();
    }
  });
});
