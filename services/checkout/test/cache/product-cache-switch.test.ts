// KEELSON_CACHE_ENABLED=false turns the product cache off (the bench's cold read): on the embedded
// backend, where the cache otherwise runs, a repeated read is not a hit, and no product cache is
// reported at all. The default serves the second read from the cache.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { type TestService, useTestService } from '../support/service.ts';

const embedded = backends().find((backend) => backend.name === 'pglite') ?? assert.fail('no embedded backend');

/** Reads one fresh product twice; returns the product cache's counter lines from /metrics. */
async function readTwice(service: TestService): Promise<string[]> {
  const { api, token } = await service.newTenant();
  const created = await api.POST('/v1/products', {
    body: { sku: `switch-${randomUUID()}`, name: 'Mug', unit_amount: 500, currency: 'EUR', stock: 5 },
  });
  assert.ok(created.data);
  for (let i = 0; i < 2; i += 1) {
    const response = await fetch(`${service.apiUrl}/v1/products/${created.data.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
  }
  const metrics = await (await fetch(`${service.adminUrl}/metrics`)).text();
  return metrics.split('\n').filter((line) => line.startsWith('cache_requests_total{') && line.includes('"products"'));
}

describe('the product cache switch (KEELSON_CACHE_ENABLED)', () => {
  const cached = useTestService(embedded);
  const uncached = useTestService(embedded, { KEELSON_CACHE_ENABLED: 'false' });

  it('by default the second read of a product is a local hit', async () => {
    const lines = await readTwice(cached());
    assert.ok(
      lines.some((line) => /result="local_hit"\} [1-9]/.test(line)),
      lines.join('\n'),
    );
  });

  it('false: no product cache at all, every read goes to the database', async () => {
    assert.deepEqual(await readTwice(uncached()), []);
  });
});
