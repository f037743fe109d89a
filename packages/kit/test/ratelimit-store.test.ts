import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type AdmitRequest,
  createMemoryRateLimitStore,
  createRedisRateLimitStore,
  type RateLimitPolicy,
  type RateLimitStore,
} from '../src/ratelimit/index.ts';
import { connectRedis, deletePrefix, testRedisUrl, uniquePrefix } from './support/test-redis.ts';

// One contract, every store: memory always, Redis when KEELSON_TEST_REDIS_URL is set. Time is
// passed in, so refills and lease expiry are exact and nothing sleeps. Keys are unique per test.

const redis = testRedisUrl();

interface Backend {
  readonly name: string;
  readonly skip: string | false;
  open(): Promise<{ store: RateLimitStore; dispose(): Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'memory', skip: false, open: async () => ({ store: createMemoryRateLimitStore(), dispose: async () => {} }) },
  {
    name: 'redis',
    skip: redis.skip,
    async open() {
      if (redis.url === undefined) throw new Error('unreachable: skipped without a URL');
      const client = await connectRedis(redis.url);
      const prefix = uniquePrefix();
      return {
        store: createRedisRateLimitStore({ client, prefix }),
        async dispose() {
          await deletePrefix(client, prefix);
          client.destroy();
        },
      };
    },
  },
];

const t0 = Date.UTC(2030, 0, 1);
const policy: RateLimitPolicy = { name: 'test', rate: 10, burst: 5, concurrency: 3 };

function ask(key: string, now: number, extra: Partial<AdmitRequest> = {}): AdmitRequest {
  return { key, policy, cost: 1, now, leaseId: randomUUID(), leaseMs: 10_000, ...extra };
}

for (const backend of backends) {
  describe(`rate-limit store contract: ${backend.name}`, { skip: backend.skip }, () => {
    let store: RateLimitStore;
    let dispose: () => Promise<void> = async () => {};
    before(async () => {
      ({ store, dispose } = await backend.open());
    });
    after(() => dispose());

    /** Admits and releases at once, so only the bucket is exercised. */
    async function take(key: string, now: number, cost = 1) {
      const request = ask(key, now, { cost });
      const result = await store.admit(request);
      if (result.kind === 'allowed') await store.release(key, request.leaseId);
      return result;
    }

    it('a full bucket admits exactly burst requests at one instant, then says when a token is back', async () => {
      const key = randomUUID();
      for (let i = 0; i < policy.burst; i += 1) {
        const result = await take(key, t0);
        assert.equal(result.kind, 'allowed');
        assert.equal(result.remaining, policy.burst - 1 - i);
        assert.equal(result.resetMs, (i + 1) * 100, 'refills one token per 100 ms');
      }
      const refused = await take(key, t0);
      assert.deepEqual(refused, { kind: 'rate_limited', remaining: 0, resetMs: 500, retryAfterMs: 100 });
    });

    it('refills at the rate: one token per interval, never early', async () => {
      const key = randomUUID();
      for (let i = 0; i < policy.burst; i += 1) await take(key, t0);
      assert.equal((await take(key, t0 + 99)).kind, 'rate_limited');
      assert.equal((await take(key, t0 + 100)).kind, 'allowed');
      assert.equal((await take(key, t0 + 100)).kind, 'rate_limited');
      // After a long quiet spell the bucket is full again, never fuller.
      const later = t0 + 60_000;
      for (let i = 0; i < policy.burst; i += 1) assert.equal((await take(key, later)).kind, 'allowed');
      assert.equal((await take(key, later)).kind, 'rate_limited');
    });

    it('a request costing more than one spends that many tokens, and waits for all of them', async () => {
      const key = randomUUID();
      assert.deepEqual(await take(key, t0, 3), { kind: 'allowed', remaining: 2, resetMs: 300 });
      const refused = await take(key, t0, 3);
      assert.deepEqual(refused, { kind: 'rate_limited', remaining: 2, resetMs: 300, retryAfterMs: 100 });
      assert.equal((await take(key, t0 + 100, 3)).kind, 'allowed');
    });

    it('a fractional interval does not drift: rate 3/s admits burst + 3 a second over a minute', async () => {
      const key = randomUUID();
      // Burst 2 absorbs the 50 ms polling lag; burst 1 would lose it on every token.
      const slow: RateLimitPolicy = { name: 'slow', rate: 3, burst: 2, concurrency: 100 };
      let admitted = 0;
      for (let ms = 0; ms < 60_000; ms += 50) {
        const request = ask(key, t0 + ms, { policy: slow });
        if ((await store.admit(request)).kind === 'allowed') {
          admitted += 1;
          await store.release(key, request.leaseId);
        }
      }
      // Demand never stops from 0 to 59.95 s: 2 + 3 × 59.95 = 181.85.
      assert.ok(admitted === 181 || admitted === 182, `admitted ${admitted}`);
    });

    it('holds at most `concurrency` slots; a release frees one; a refusal spends no token', async () => {
      const key = randomUUID();
      const held: AdmitRequest[] = [];
      for (let i = 0; i < policy.concurrency; i += 1) {
        const request = ask(key, t0);
        assert.equal((await store.admit(request)).kind, 'allowed');
        held.push(request);
      }
      const refused = await store.admit(ask(key, t0));
      assert.deepEqual(refused, { kind: 'concurrency_limited', inFlight: 3, remaining: 2, resetMs: 300 });
      const first = held[0];
      assert.ok(first);
      await store.release(key, first.leaseId);
      await store.release(key, first.leaseId); // twice is harmless
      assert.equal((await store.admit(ask(key, t0))).kind, 'allowed');
    });

    it('a slot never released expires with its lease (the holder crashed)', async () => {
      const key = randomUUID();
      for (let i = 0; i < policy.concurrency; i += 1) await store.admit(ask(key, t0, { leaseMs: 1_000 }));
      assert.equal((await store.admit(ask(key, t0 + 999))).kind, 'concurrency_limited');
      assert.equal((await store.admit(ask(key, t0 + 1_000))).kind, 'allowed');
    });

    it('keys are independent', async () => {
      const a = randomUUID();
      for (let i = 0; i < policy.burst; i += 1) await take(a, t0);
      assert.equal((await take(a, t0)).kind, 'rate_limited');
      assert.equal((await take(randomUUID(), t0)).kind, 'allowed');
    });

    it('concurrent admissions never overspend: burst × 4 at once admit exactly burst', async () => {
      const key = randomUUID();
      const wide: RateLimitPolicy = { ...policy, concurrency: 1_000 };
      const results = await Promise.all(
        Array.from({ length: policy.burst * 4 }, () => store.admit(ask(key, t0, { policy: wide }))),
      );
      assert.equal(results.filter((r) => r.kind === 'allowed').length, policy.burst);
    });
  });
}
