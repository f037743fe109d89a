// Shared rate limits through the whole service over real Redis, reached through a proxy the test
// owns: with Redis cut, requests are still answered (each instance limits alone) and the failure is
// counted; within 5 s of Redis returning, decisions are shared again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient } from 'redis';
import { startTcpProxy, type TcpProxy } from '../../../../packages/kit/test/support/tcp-proxy.ts';
import { backends } from '../support/databases.ts';
import { startTestService, type TestService } from '../support/service.ts';

const redisUrl = process.env.KEELSON_TEST_REDIS_URL || undefined;
if (redisUrl === undefined && process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
  throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_REDIS_URL is not set');
}
// The database plays no part in the limiter: one backend suffices.
const [backend] = backends();

/** The value of one sample of the admin port's /metrics, 0 when absent. */
async function metric(service: TestService, sample: string): Promise<number> {
  const text = await (await fetch(`${service.adminUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

describe('rate limits over Redis: fail open and come back', {
  skip: redisUrl === undefined ? 'KEELSON_TEST_REDIS_URL is not set' : false,
}, () => {
  it('Redis cut: still answered and counted; Redis back: shared again within 5 s', { timeout: 120_000 }, async () => {
    if (redisUrl === undefined || backend === undefined) throw new Error('unreachable: skipped');
    const target = new URL(redisUrl);
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const service = await startTestService(backend, {
      KEELSON_REDIS_URL: proxy.proxied(redisUrl),
      // A token a second: a bucket's key lives (until full again) long enough to be looked at.
      KEELSON_RATE_LIMIT_RATE: '1',
      KEELSON_RATE_LIMIT_BURST: '1000',
      // Generous for a loaded machine: the cut below is a refused connection, not a slow one.
      KEELSON_RATE_LIMIT_REDIS_TIMEOUT_MS: '500',
    });
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    let keyId = '';
    try {
      const tenant = await service.newTenant(['read']);
      keyId = tenant.token.split('.')[0] ?? '';
      const get = () =>
        fetch(`${service.apiUrl}/v1/orders/ord_x`, { headers: { authorization: `Bearer ${tenant.token}` } });
      const shared = 'rate_limit_decisions_total{outcome="allowed",source="store"}';
      const fallback = 'rate_limit_decisions_total{outcome="allowed",source="fallback"}';

      // Redis answers once the client has connected (it connects in the background).
      for (let i = 0; (await metric(service, shared)) === 0; i += 1) {
        assert.ok(i < 200, 'no shared decision within 10 s of start');
        assert.equal((await get()).status, 404);
        await delay(50);
      }
      assert.equal((await get()).status, 404);
      assert.equal(await redis.exists(`keelson:rl:{${keyId}}:tb`), 1, 'the bucket is in Redis');

      await proxy.down();
      const fallbackBefore = await metric(service, fallback);
      for (let i = 0; i < 5; i += 1) {
        const response = await get();
        assert.equal(response.status, 404, 'answered while Redis is unreachable');
        assert.ok(response.headers.get('ratelimit') !== null, 'and still limited, locally');
      }
      assert.ok((await metric(service, fallback)) >= fallbackBefore + 5);
      assert.ok((await metric(service, 'rate_limit_store_failures_total')) >= 1);
      assert.equal(await metric(service, 'rate_limit_store_degraded'), 1);

      await proxy.up();
      const back = performance.now();
      let sharedBefore = await metric(service, shared);
      for (;;) {
        assert.equal((await get()).status, 404);
        const now = await metric(service, shared);
        if (now > sharedBefore) break;
        sharedBefore = now;
        assert.ok(performance.now() - back < 5_000, 'shared enforcement did not return within 5 s');
        await delay(50);
      }
      assert.equal(await metric(service, 'rate_limit_store_degraded'), 0);
    } finally {
      await service.stop();
      await proxy.close();
      if (keyId !== '') await redis.del([`keelson:rl:{${keyId}}:tb`, `keelson:rl:{${keyId}}:cc`]);
      redis.destroy();
    }
  });
});
