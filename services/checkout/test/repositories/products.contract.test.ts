import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProductPgRepository } from '../../src/adapters/postgres/product.pg-repository.ts';
import { maxAmount } from '../../src/domain/money.ts';
import type { Product } from '../../src/domain/product.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  countingDatabase,
  outboxRows,
  repositoryBackends,
  seedProduct,
  seedTenant,
  snapshot,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

for (const backend of repositoryBackends()) {
  describe(`ProductRepository contract on ${backend.name}`, () => {
    const repos = useRepositories(backend);

    describe('insert and get', () => {
      it('round-trips every field, with int8 amounts as exact numbers and timestamps as Dates', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const now = new Date('2025-03-04T05:06:07.891Z');
        // maxAmount is above 2^32: only an int8 column keeps it, and it must come back a number.
        const created = await seedProduct(fx, tenantId, {
          sku: 'MUG-1',
          name: 'Mug',
          unitAmount: maxAmount,
          stock: 7,
          now,
        });

        const got = await fx.products.get(testContext(), tenantId, created.id);

        assert.deepEqual(got, {
          id: created.id,
          tenantId,
          sku: 'MUG-1',
          name: 'Mug',
          unitAmount: maxAmount,
          currency: 'EUR',
          stock: 7,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        assert.equal(typeof got?.unitAmount, 'number');
        assert.ok(got?.createdAt instanceof Date);
      });

      it('appends exactly one product.created event in the same transaction', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const created = await seedProduct(fx, tenantId);

        const events = await outboxRows(fx, tenantId);

        assert.equal(events.length, 1);
        assert.equal(events[0]?.type, 'product.created');
        assert.equal(events[0]?.aggregate_type, 'product');
        assert.equal(events[0]?.aggregate_id, created.id);
        assert.equal(events[0]?.aggregate_version, 1);
        assert.equal(events[0]?.data_kind, 'object');
        assert.deepEqual(events[0]?.occurred_at, created.updatedAt);
      });

      it('rejects a duplicate sku in the same tenant as sku_taken and writes nothing', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        await seedProduct(fx, tenantId, { sku: 'DUP', name: 'First' });
        const before = await snapshot(fx, tenantId);

        await assert.rejects(
          seedProduct(fx, tenantId, { sku: 'DUP', name: 'Second' }),
          appError('sku_taken', 'conflict'),
        );

        assert.deepEqual(await snapshot(fx, tenantId), before);
      });

      it('accepts the same sku in another tenant', async () => {
        const fx = repos();
        const [a, b] = [await seedTenant(fx), await seedTenant(fx)];
        await seedProduct(fx, a, { sku: 'SHARED' });

        const other = await seedProduct(fx, b, { sku: 'SHARED' });

        assert.equal((await fx.products.get(testContext(), b, other.id))?.sku, 'SHARED');
      });

      it("does not see another tenant's product", async () => {
        const fx = repos();
        const [owner, stranger] = [await seedTenant(fx), await seedTenant(fx)];
        const product = await seedProduct(fx, owner);

        assert.equal(await fx.products.get(testContext(), stranger, product.id), undefined);
        assert.equal(await fx.products.get(testContext(), owner, fx.newId('prod')), undefined);
      });
    });

    describe('list', () => {
      it('returns newest first, honours limit and reports has_more', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const ids: string[] = [];
        for (let i = 0; i < 3; i += 1) ids.push((await seedProduct(fx, tenantId)).id);

        const firstTwo = await fx.products.list(testContext(), tenantId, { limit: 2 });
        const exact = await fx.products.list(testContext(), tenantId, { limit: 3 });

        assert.deepEqual(
          firstTwo.items.map((p) => p.id),
          [ids[2], ids[1]],
        );
        assert.equal(firstTwo.hasMore, true);
        assert.equal(exact.items.length, 3);
        assert.equal(exact.hasMore, false);
      });

      it('only lists the tenant’s own products', async () => {
        const fx = repos();
        const [a, b] = [await seedTenant(fx), await seedTenant(fx)];
        const mine = await seedProduct(fx, a);
        await seedProduct(fx, b);

        const page = await fx.products.list(testContext(), a, { limit: 10 });

        assert.deepEqual(
          page.items.map((p) => p.id),
          [mine.id],
        );
      });

      it('pages through 25 products with starting_after, without duplicates or gaps', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const created: string[] = [];
        for (let i = 0; i < 25; i += 1) created.push((await seedProduct(fx, tenantId, { sku: `P-${i}` })).id);

        const seen: string[] = [];
        const hasMore: boolean[] = [];
        let cursor: string | undefined;
        do {
          const page = await fx.products.list(
            testContext(),
            tenantId,
            cursor === undefined ? { limit: 10 } : { limit: 10, startingAfter: cursor },
          );
          seen.push(...page.items.map((p) => p.id));
          hasMore.push(page.hasMore);
          cursor = page.hasMore ? page.items.at(-1)?.id : undefined;
        } while (cursor !== undefined);

        assert.deepEqual(seen, created.toReversed());
        assert.deepEqual(hasMore, [true, true, false]);
      });

      it('rejects a malformed cursor, an order id and another tenant’s product id as invalid_cursor', async () => {
        const fx = repos();
        const [a, b] = [await seedTenant(fx), await seedTenant(fx)];
        await seedProduct(fx, a);
        const foreign = await seedProduct(fx, b);

        for (const startingAfter of ['not-a-cursor', fx.newId('ord'), foreign.id, fx.newId('prod')]) {
          await assert.rejects(
            fx.products.list(testContext(), a, { limit: 10, startingAfter }),
            appError('invalid_cursor', 'invalid'),
            startingAfter,
          );
        }
      });
    });

    describe('update', () => {
      it('runs the closure on the locked row, bumps the version and appends product.updated', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { name: 'Old', unitAmount: 100, stock: 5 });
        const later = new Date(product.createdAt.getTime() + 60_000);

        const updated = await fx.products.update(testContext(), tenantId, product.id, (current) =>
          current.change({ name: 'New', unitAmount: 12_345_678_901, stock: 9 }, 1, later),
        );

        const expected = {
          ...product,
          name: 'New',
          unitAmount: 12_345_678_901,
          stock: 9,
          version: 2,
          updatedAt: later,
        };
        assert.deepEqual(updated, expected);
        assert.deepEqual(await fx.products.get(testContext(), tenantId, product.id), expected);
        const events = await outboxRows(fx, tenantId, 'product.updated');
        assert.equal(events.length, 1);
        assert.equal(events[0]?.aggregate_id, product.id);
        assert.equal(events[0]?.aggregate_version, 2);
        assert.deepEqual(events[0]?.occurred_at, later);
      });

      it('reports a missing or foreign product as product_not_found', async () => {
        const fx = repos();
        const [owner, stranger] = [await seedTenant(fx), await seedTenant(fx)];
        const product = await seedProduct(fx, owner);
        let ran = false;
        const change = (current: Product) => {
          ran = true;
          return current.change({ name: 'x' }, 1, new Date());
        };

        await assert.rejects(
          fx.products.update(testContext(), owner, fx.newId('prod'), change),
          appError('product_not_found', 'not_found'),
        );
        await assert.rejects(
          fx.products.update(testContext(), stranger, product.id, change),
          appError('product_not_found', 'not_found'),
        );
        assert.equal(ran, false);
        assert.equal((await fx.products.get(testContext(), owner, product.id))?.version, 1);
      });

      it('changes nothing when the closure throws', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId);
        const before = await snapshot(fx, tenantId);

        // A stale expected version is the realistic way the pure closure refuses.
        await assert.rejects(
          fx.products.update(testContext(), tenantId, product.id, (current) =>
            current.change({ name: 'x' }, 7, new Date()),
          ),
          appError('version_conflict', 'conflict'),
        );

        assert.deepEqual(await snapshot(fx, tenantId), before);
      });
    });
  });
}

for (const backend of backends()) {
  describe(`ProductRepository list on ${backend.name} is one statement`, () => {
    const repos = useRepositories(backend);

    it('checks the cursor and reads the page in a single autocommit statement', async () => {
      const fx = repos();
      const counting = countingDatabase(fx.db);
      const products = createProductPgRepository(counting.db, fx.newId);
      const tenantId = await seedTenant(fx);
      const [older, newer] = [
        await seedProduct(fx, tenantId, { unitAmount: maxAmount }),
        await seedProduct(fx, tenantId),
      ];
      const foreign = await seedProduct(fx, await seedTenant(fx));

      const first = await products.list(testContext(), tenantId, { limit: 1 });
      counting.assertSent(1, 'the first page');
      const next = await products.list(testContext(), tenantId, { limit: 1, startingAfter: newer.id });
      counting.assertSent(1, 'a page after a cursor');
      const past = await products.list(testContext(), tenantId, { limit: 1, startingAfter: older.id });
      counting.assertSent(1, 'an empty page');
      // A malformed cursor is refused before any SQL runs.
      const refused = [
        [foreign.id, 1],
        ['nope', 0],
      ] as const;
      for (const [startingAfter, sent] of refused) {
        await assert.rejects(
          products.list(testContext(), tenantId, { limit: 1, startingAfter }),
          appError('invalid_cursor'),
        );
        counting.assertSent(sent, `the cursor ${startingAfter}`);
      }

      assert.deepEqual(first, { items: [newer], hasMore: true });
      assert.deepEqual(next, { items: [older], hasMore: false });
      assert.deepEqual(past, { items: [], hasMore: false });
    });
  });
}
