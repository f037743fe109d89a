import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryRateLimitStore, createRateLimiter, createRedisRateLimitStore } from '../src/ratelimit/index.ts';
import { connectRedis, deletePrefix, testRedisUrl, uniquePrefix } from './support/test-redis.ts';

// Accuracy of shared enforcement on the real clock: two limiters, each with its own Redis
// connection (as two processes have), flood one key for 10 s. Admitted = burst + rate × T within
// 1%, T the flood's measured duration. The service-level twin (two `keelson serve` processes) is
// services/checkout/test/process/rate-limit-accuracy.process.test.ts.

const redis = testRedisUrl();
const policy = { name: 'accuracy', rate: 100, burst: 500, concurrency: 10_000 };
const floodMs = 10_000;

describe('rate-limit accuracy over Redis: two clients, one key, 10 s flood', { skip: redis.skip }, () => {
  it('admits burst + rate × T within 1%', { timeout: 60_000 }, async (t) => {
    if (redis.url === undefined) throw new Error('unreachable: skipped without a URL');
    const prefix = uniquePrefix();
    const clients = [await connectRedis(redis.url), await connectRedis(redis.url)];
    try {
      const limiters = clients.map((client) =>
        createRateLimiter({
          store: createRedisRateLimitStore({ client, prefix }),
          fallback: createMemoryRateLimitStore(),
          timeoutMs: 1_000,
        }),
      );
      let admitted = 0;
      let refused = 0;
      const started = performance.now();
      let lastSent = started;
      const loop = async (limiter: (typeof limiters)[number]): Promise<void> => {
        while (performance.now() - started < floodMs) {
          lastSent = Math.max(lastSent, performance.now());
          const admission = await limiter.admit({ key: 'flood', policy, cost: 1, leaseMs: 5_000 });
          if (admission.allowed) {
            admitted += 1;
            admission.release();
          } else refused += 1;
        }
      };
      await Promise.all(limiters.flatMap((limiter) => Array.from({ length: 8 }, () => loop(limiter))));
      const seconds = (lastSent - started) / 1_000;
      const expected = policy.burst + policy.rate * seconds;
      const error = (admitted - expected) / expected;
      const summary = `admitted ${admitted}, refused ${refused}, T ${seconds.toFixed(3)} s, expected ${expected.toFixed(1)}, error ${(error * 100).toFixed(2)}%`;
      t.diagnostic(summary);
      assert.ok(refused > admitted, `the flood must exceed the limit; ${summary}`);
      for (const limiter of limiters) assert.equal(limiter.stats().storeFailures, 0, 'every decision was Redis’s');
      assert.ok(Math.abs(error) <= 0.01, summary);
    } finally {
      const [cleaner] = clients;
      if (cleaner !== undefined) await deletePrefix(cleaner, prefix);
      for (const client of clients) client.destroy();
    }
  });
});
