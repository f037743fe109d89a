// Issue 9 §2, accuracy: two real `keelson serve` processes share one Redis (and one PostgreSQL);
// one API key (rate 100/s, burst 500) floods both for 10 s. The admitted requests must be within
// 1% of burst + rate × T, T the flood's measured duration. Shedding is off (the flood saturates
// the machine on purpose) and the Redis timeout is generous, so every decision is the shared
// store's; the test checks that no process fell back to its local limiter.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { createClient } from 'redis';
import { serverBackend } from '../support/databases.ts';
import { cleanupStack, provisionTenant } from '../support/payment-chaos.ts';
import { serviceEnv, startServiceProcess, tempDir } from '../support/service-process.ts';

const redisUrl = process.env.KEELSON_TEST_REDIS_URL || undefined;
const postgres = serverBackend();
const required = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';
const skip =
  redisUrl === undefined
    ? 'needs real Redis (KEELSON_TEST_REDIS_URL)'
    : postgres === undefined
      ? 'two processes share one database: needs real PostgreSQL (KEELSON_TEST_DATABASE_URL)'
      : false;
if (skip !== false && required) throw new Error(`KEELSON_TEST_REQUIRE_SERVICES=1 but this test ${skip}`);

const rate = 100;
const burst = 500;
const floodMs = 10_000;
/** Concurrent client loops per process: enough to keep far above 100/s, few enough not to starve the servers. */
const loopsPerProcess = 24;

describe('rate-limit accuracy: two processes, one Redis', () => {
  it('admits burst + rate × T within 1% over a 10 s flood', { skip, timeout: 120_000 }, (t) => accuracy(t));
});

async function accuracy(t: TestContext): Promise<void> {
  if (redisUrl === undefined || postgres === undefined) throw new Error('unreachable: skipped');
  const defer = cleanupStack(t);
  const database = await postgres.create();
  defer(() => database.dispose());
  const limits = {
    KEELSON_REDIS_URL: redisUrl,
    KEELSON_RATE_LIMIT_RATE: String(rate),
    KEELSON_RATE_LIMIT_BURST: String(burst),
    KEELSON_RATE_LIMIT_CONCURRENCY: '10000',
    KEELSON_RATE_LIMIT_REDIS_TIMEOUT_MS: '1000',
    KEELSON_SHED_ENABLED: 'false',
    KEELSON_RECONCILE_INTERVAL_MS: '0',
  };
  const processes = [];
  for (const name of ['a', 'b']) {
    const dir = tempDir(`keelson-accuracy-${name}-`);
    defer(() => dir.remove());
    const settings = await serviceEnv({ dataDir: dir.path, databaseUrl: database.url, logLevel: 'warn' });
    const service = await startServiceProcess({ ...settings, env: { ...settings.env, ...limits } });
    defer(() => service.kill());
    processes.push(service);
  }
  const [first] = processes;
  assert.ok(first);
  const token = await provisionTenant(first.env, 'Accuracy');
  const keyId = token.split('.')[0] ?? '';
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  defer(async () => {
    await redis.del([`keelson:rl:{${keyId}}:tb`, `keelson:rl:{${keyId}}:cc`]);
    redis.destroy();
  });

  const counts = { admitted: 0, limited: 0, other: new Map<number, number>() };
  const started = performance.now();
  const stopAt = started + floodMs;
  let lastSent = started;
  async function loop(apiUrl: string): Promise<void> {
    while (performance.now() < stopAt) {
      lastSent = Math.max(lastSent, performance.now());
      const response = await fetch(`${apiUrl}/v1/orders/ord_flood`, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status === 404) counts.admitted += 1;
      else if (response.status === 429) counts.limited += 1;
      else counts.other.set(response.status, (counts.other.get(response.status) ?? 0) + 1);
    }
  }
  await Promise.all(processes.flatMap((p) => Array.from({ length: loopsPerProcess }, () => loop(p.apiUrl))));
  const seconds = (lastSent - started) / 1_000;
  const expected = burst + rate * seconds;
  const error = (counts.admitted - expected) / expected;
  const summary = `admitted ${counts.admitted}, refused ${counts.limited}, T ${seconds.toFixed(3)} s, expected ${expected.toFixed(1)}, error ${(error * 100).toFixed(2)}%`;
  t.diagnostic(summary);
  assert.deepEqual([...counts.other], [], `only 404 (admitted) and 429 expected; ${summary}`);
  // Below the limit the test would prove nothing: the servers must have been asked for more.
  assert.ok(counts.limited > counts.admitted / 2, `the flood did not exceed the limit (machine too busy?); ${summary}`);
  for (const service of processes) {
    const metrics = await (await fetch(`${service.adminUrl}/metrics`)).text();
    assert.match(metrics, /^rate_limit_store_failures_total 0$/m, 'every decision was the shared store’s');
    assert.doesNotMatch(metrics, /source="fallback"/);
  }
  assert.ok(Math.abs(error) <= 0.01, summary);
}
