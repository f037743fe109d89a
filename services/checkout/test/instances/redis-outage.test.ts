// Issue 9 §4: Redis down or stalled never turns into an error. Product reads go to the
// database, writes still answer (their invalidation is owed and settled on reconnection), and
// keys are checked against the database while revocations cannot be heard.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTcpProxy, type TcpProxy } from '../../../../packages/kit/test/support/tcp-proxy.ts';
import { backends } from '../support/databases.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { redisSkip, testRedisUrl } from './two-instances.ts';

const backend = backends().at(-1);

describe('Redis outage under a running service', { skip: redisSkip() }, () => {
  let proxy: TcpProxy | undefined;
  let service: (TestService & { stop(): Promise<void> }) | undefined;
  before(async () => {
    const url = testRedisUrl ?? assert.fail('redis');
    const target = new URL(url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    service = await startTestService(backend ?? assert.fail('a backend'), {
      KEELSON_REDIS_URL: proxy.proxied(url),
      KEELSON_REDIS_PREFIX: `keelson-test-${randomUUID()}`,
    });
  });
  after(async () => {
    await service?.stop();
    await proxy?.close();
  });

  it('reads and writes answer from the database while Redis is stalled, then down, and cache again after', async () => {
    const svc = service ?? assert.fail('started');
    const net = proxy ?? assert.fail('proxy');
    const { api } = await svc.newTenant();
    const created = await api.POST('/v1/products', {
      body: { sku: `outage-${randomUUID()}`, name: 'v1', unit_amount: 100, currency: 'EUR', stock: 5 },
    });
    assert.ok(created.data);
    const id = created.data.id;
    const name = async () => {
      const read = await api.GET('/v1/products/{id}', { params: { path: { id } } });
      assert.equal(read.response.status, 200, JSON.stringify(read.error));
      return read.data?.name;
    };
    assert.equal(await name(), 'v1');

    net.stall();
    const patched = await api.PATCH('/v1/products/{id}', {
      params: { path: { id } },
      body: { name: 'v2', version: 1 },
    });
    assert.equal(patched.response.status, 200);
    assert.equal(await name(), 'v2');

    net.resume();
    await net.down();
    const again = await api.PATCH('/v1/products/{id}', { params: { path: { id } }, body: { name: 'v3', version: 2 } });
    assert.equal(again.response.status, 200);
    for (let i = 0; i < 5; i += 1) assert.equal(await name(), 'v3');

    await net.up();
    const end = Date.now() + 10_000;
    // Back: the owed invalidations are settled (an epoch bump), so no stale v1 or v2 resurfaces.
    while (net.open < 3 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 5; i += 1) assert.equal(await name(), 'v3');
  });
});
