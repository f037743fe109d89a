// Issue 9 §4: product reads through the cache cost one database query however many arrive
// cold at once (counted on the real repository's round trips), and every product write
// through the decorators (PATCH, an order placed or cancelled) drops the cached copy.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  type Cache,
  createCache,
  createLocalBroadcast,
  createRedisBroadcast,
  createRedisTier,
  openRedis,
} from '@keelson/kit/cache';
import {
  cachedProducts,
  productCodec,
  stockInvalidatingOrders,
} from '../../src/adapters/cache/product.cached-repository.ts';
import { createOrderPgRepository } from '../../src/adapters/postgres/order.pg-repository.ts';
import { createProductPgRepository } from '../../src/adapters/postgres/product.pg-repository.ts';
import type { ProductState } from '../../src/domain/product.ts';
import { redisSkip, testRedisUrl } from '../instances/two-instances.ts';
import { backends } from '../support/databases.ts';
import {
  countingDatabase,
  place,
  seedProduct,
  seedTenant,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

async function redisCache(): Promise<Cache<ProductState>> {
  const url = testRedisUrl ?? assert.fail('redis');
  const prefix = `keelson-test-${randomBytes(6).toString('hex')}`;
  const broadcast = await createRedisBroadcast({ url, channel: `${prefix}:invalidations` });
  const client = openRedis({ url });
  closers.push(async () => {
    await broadcast.close();
    client.destroy();
  });
  const remote = createRedisTier(client, { prefix: `${prefix}:products` });
  return createCache({ topic: 'products', maxEntries: 100, ttlMs: 60_000, broadcast, remote, codec: productCodec });
}

const tiers: { name: string; skip: string | false; cache: () => Promise<Cache<ProductState>> }[] = [
  {
    name: 'in-process',
    skip: false,
    cache: async () =>
      createCache({ topic: 'products', maxEntries: 100, ttlMs: 60_000, broadcast: createLocalBroadcast() }),
  },
  { name: 'Redis tier', skip: redisSkip(), cache: redisCache },
];

for (const backend of backends()) {
  for (const tier of tiers) {
    describe(`product cache (${tier.name}) on ${backend.name}`, { skip: tier.skip }, () => {
      const repos = useRepositories(backend);

      it('1,000 concurrent cold reads of one product send one query; writes drop the copy', async () => {
        const fx = repos();
        // Reads go through a counting database; writes through the plain one, so only reads count.
        const counting = countingDatabase(fx.db);
        const cache = await tier.cache();
        const { get } = createProductPgRepository(counting.db, fx.newId);
        const products = cachedProducts({ ...createProductPgRepository(fx.db, fx.newId), get }, cache);
        const orders = stockInvalidatingOrders(createOrderPgRepository(fx.db, fx.newId), cache);
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 10 });
        counting.assertSent(0, 'seeding (outside the counted database)');

        const reads = await Promise.all(
          Array.from({ length: 1_000 }, () => products.get(testContext(), tenantId, product.id)),
        );
        assert.ok(reads.every((read) => read?.version === 1 && read.createdAt instanceof Date));
        // Shared by every read, so frozen: what lets the HTTP layer share its wire form too.
        assert.ok(
          reads.every((read) => Object.isFrozen(read)),
          'the cache hands out frozen states',
        );
        counting.assertSent(1, '1,000 cold reads');
        assert.equal((await products.get(testContext(), tenantId, product.id))?.stock, 10);
        counting.assertSent(0, 'a warm read');

        await products.update(testContext(), tenantId, product.id, (p) => p.change({ name: 'Renamed' }, 1, new Date()));
        assert.equal((await products.get(testContext(), tenantId, product.id))?.name, 'Renamed');
        counting.assertSent(1, 'the read after a PATCH');

        const placed = await place({ ...fx, orders }, tenantId, [{ productId: product.id, quantity: 3 }]);
        assert.ok(placed.ok);
        assert.equal((await products.get(testContext(), tenantId, product.id))?.stock, 7);
        counting.assertSent(1, 'the read after an order reserved stock');

        await orders.update(testContext(), tenantId, placed.order.state.id, (order) => order.cancel(new Date()));
        assert.equal((await products.get(testContext(), tenantId, product.id))?.stock, 10);
        counting.assertSent(1, 'the read after the order released its stock');
      });
    });
  }
}
