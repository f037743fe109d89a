// Issue 9 §4 correctness: writers and readers over two instances sharing PostgreSQL and Redis
// (both caching products: a local LRU each, the shared Redis tier). Once a writer's answer for
// version v arrived, no read that starts afterwards, on either instance, returns a version
// below v: writes invalidate every instance (acknowledged) after the commit, before answering.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import type { TestService } from '../support/service.ts';
import { redisSkip, useTwoInstances } from './two-instances.ts';

const writes = 40;
const readers = 6;
const postgres = backends().find((backend) => backend.name === 'postgres');

describe('monotonic product reads after write, two instances', {
  skip: redisSkip() || (postgres === undefined && 'KEELSON_TEST_DATABASE_URL is not set'),
}, () => {
  // B hears Redis 15 ms late each way: an invalidation that were not awaited would lose the race
  // against the next read of B (the test fails when invalidate() does not wait for B's ack).
  const pair = useTwoInstances(postgres ?? assert.fail(), { redis: true, redisLatencyMs: 15 });

  it(`${writes} writes alternating instances while ${readers} readers alternate too: no read below an answered write`, async () => {
    const { a, b } = pair();
    const tenant = await a.admin('POST', '/tenants', { name: 'monotonic' });
    const key = await a.admin('POST', '/keys', { tenant_id: tenant.body.id, scopes: ['read', 'write'] });
    const authorization = `Bearer ${String(key.body.token)}`;
    const instances: readonly TestService[] = [a, b];
    const created = await fetch(`${a.apiUrl}/v1/products`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ sku: `mono-${randomUUID()}`, name: 'v1', unit_amount: 100, currency: 'EUR', stock: 10 }),
    });
    const product = (await created.json()) as { id: string; version: number };
    const read = async (service: TestService) => {
      const response = await fetch(`${service.apiUrl}/v1/products/${product.id}`, { headers: { authorization } });
      assert.equal(response.status, 200);
      return ((await response.json()) as { version: number }).version;
    };

    // The highest version whose writer already has its answer.
    let answered = product.version;
    let writing = true;
    const violations: string[] = [];
    let reads = 0;
    let sawOlderThanSeen = 0;

    const writer = async () => {
      try {
        for (let i = 0; i < writes; i += 1) {
          const service = instances[i % 2] ?? a;
          const response = await fetch(`${service.apiUrl}/v1/products/${product.id}`, {
            method: 'PATCH',
            headers: { authorization, 'content-type': 'application/json' },
            body: JSON.stringify({ name: `w${i}`, version: answered }),
          });
          assert.equal(response.status, 200, await response.clone().text());
          answered = ((await response.json()) as { version: number }).version;
        }
      } finally {
        writing = false;
      }
    };
    const reader = async (n: number) => {
      let seen = 0;
      let turn = n;
      while (writing) {
        const floor = answered;
        const service = instances[turn % 2] ?? a;
        turn += 1;
        const version = await read(service);
        reads += 1;
        if (version < floor)
          violations.push(`reader ${n} read ${version} on ${service.apiUrl} after ${floor} was answered`);
        if (version < seen) sawOlderThanSeen += 1;
        seen = Math.max(seen, version);
      }
    };
    await Promise.all([writer(), ...Array.from({ length: readers }, (_, n) => reader(n))]);
    console.log(
      `${reads} reads during ${writes} writes; below an answered write: ${violations.length}; ` +
        `below the reader's own highest (its write still unanswered): ${sawOlderThanSeen}`,
    );
    assert.deepEqual(violations, []);
    assert.ok(reads >= writes, 'the readers ran alongside the writer');
    // Both instances end on the last version, served from their caches.
    for (const service of instances) assert.equal(await read(service), answered);
  });
});
