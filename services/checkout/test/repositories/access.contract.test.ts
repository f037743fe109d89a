import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAccessPgRepository } from '../../src/adapters/postgres/access.pg-repository.ts';
import type { ApiKey, ApiKeySummary, Tenant } from '../../src/domain/access.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  countingDatabase,
  type RepositoryFixture,
  repositoryBackends,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

async function newTenant(fx: RepositoryFixture, name = 'Acme GmbH'): Promise<Tenant> {
  const tenant = { id: fx.newId('ten'), name, createdAt: new Date('2025-02-03T04:05:06.789Z') };
  await fx.access.insertTenant(testContext(), tenant);
  return tenant;
}

async function newKey(fx: RepositoryFixture, tenantId: string): Promise<ApiKey> {
  const key: ApiKey = {
    id: fx.newId('key'),
    tenantId,
    secretHash: `hash-${fx.newId('h')}`,
    scopes: ['read', 'write'],
    // A named plan, so every round trip below also carries the plan column (migration 009).
    plan: 'gold',
    createdAt: new Date('2025-02-03T04:05:07.000Z'),
    revokedAt: undefined,
  };
  await fx.access.insertKey(testContext(), key);
  return key;
}

function summary({ secretHash: _, ...key }: ApiKey): ApiKeySummary {
  return key;
}

/** Every page of a list, following `startingAfter` from the first. */
async function walk<T extends { readonly id: string }>(
  list: (startingAfter: string | undefined) => Promise<{ items: readonly T[]; hasMore: boolean }>,
): Promise<T[]> {
  const seen: T[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await list(cursor);
    seen.push(...page.items);
    cursor = page.items.at(-1)?.id;
    if (!page.hasMore) return seen;
    assert.ok(cursor !== undefined, 'has_more on an empty page');
  }
}

for (const backend of repositoryBackends()) {
  describe(`AccessRepository contract on ${backend.name}`, () => {
    const repos = useRepositories(backend);

    it('round-trips a tenant and counts it', async () => {
      const fx = repos();
      const before = await fx.access.countTenants(testContext());

      const tenant = await newTenant(fx);

      assert.deepEqual(await fx.access.getTenant(testContext(), tenant.id), tenant);
      assert.equal(await fx.access.getTenant(testContext(), fx.newId('ten')), undefined);
      assert.equal(await fx.access.countTenants(testContext()), before + 1);
      assert.equal(typeof before, 'number');
    });

    it('round-trips a key, scopes array included, and finds it by id', async () => {
      const fx = repos();
      const tenant = await newTenant(fx);
      const key = await newKey(fx, tenant.id);

      assert.deepEqual(await fx.access.findKey(testContext(), key.id), key);
      assert.equal(await fx.access.findKey(testContext(), fx.newId('key')), undefined);
    });

    it('revokes a key idempotently, keeping the first revocation time', async () => {
      const fx = repos();
      const tenant = await newTenant(fx);
      const key = await newKey(fx, tenant.id);
      const first = new Date('2025-05-01T00:00:00.000Z');

      const revoked = await fx.access.revokeKey(testContext(), key.id, first);
      const again = await fx.access.revokeKey(testContext(), key.id, new Date('2025-06-01T00:00:00.000Z'));

      assert.deepEqual(revoked, { ...key, revokedAt: first });
      assert.deepEqual(again, { ...key, revokedAt: first });
      assert.deepEqual((await fx.access.findKey(testContext(), key.id))?.revokedAt, first);
    });

    it('returns undefined when revoking an unknown key', async () => {
      const fx = repos();

      assert.equal(await fx.access.revokeKey(testContext(), fx.newId('key'), new Date()), undefined);
    });

    describe('listTenants', () => {
      it('pages every tenant newest first, two at a time, each once', async () => {
        const fx = repos();
        const mine = [await newTenant(fx), await newTenant(fx), await newTenant(fx)];

        const first = await fx.access.listTenants(testContext(), { limit: 2 });
        const all = await walk((startingAfter) =>
          fx.access.listTenants(
            testContext(),
            startingAfter === undefined ? { limit: 2 } : { limit: 2, startingAfter },
          ),
        );

        // Tests in this file run one after another, so nothing is newer than the last tenant made here.
        assert.deepEqual(first, { items: [mine[2], mine[1]], hasMore: true });
        const ids = all.map((tenant) => tenant.id);
        assert.deepEqual(ids, [...ids].sort().reverse(), 'newest (highest id) first');
        assert.equal(new Set(ids).size, ids.length, 'no tenant twice');
        assert.deepEqual(
          all.filter((tenant) => mine.some((m) => m.id === tenant.id)),
          [...mine].reverse(),
        );
        assert.equal(all.length, await fx.access.countTenants(testContext()));
      });

      it('filters by exact name, duplicates included, and the cursor must stay in that list', async () => {
        const fx = repos();
        const name = `Twin ${fx.newId('n')}`;
        const older = await newTenant(fx, name);
        const other = await newTenant(fx, `${name} Ltd`);
        const newer = await newTenant(fx, name);

        assert.deepEqual(await fx.access.listTenants(testContext(), { limit: 10, name }), {
          items: [newer, older],
          hasMore: false,
        });
        assert.deepEqual(await fx.access.listTenants(testContext(), { limit: 1, name }), {
          items: [newer],
          hasMore: true,
        });
        assert.deepEqual(await fx.access.listTenants(testContext(), { limit: 1, name, startingAfter: newer.id }), {
          items: [older],
          hasMore: false,
        });
        assert.deepEqual(await fx.access.listTenants(testContext(), { limit: 5, name: name.toLowerCase() }), {
          items: [],
          hasMore: false,
        });
        await assert.rejects(
          fx.access.listTenants(testContext(), { limit: 5, name, startingAfter: other.id }),
          appError('invalid_cursor', 'invalid'),
        );
      });

      it('refuses a malformed or unknown cursor as invalid_cursor', async () => {
        const fx = repos();
        const tenant = await newTenant(fx);
        const key = await newKey(fx, tenant.id);

        for (const startingAfter of ['nope', fx.newId('ten'), key.id, tenant.id.toLowerCase()]) {
          await assert.rejects(
            fx.access.listTenants(testContext(), { limit: 5, startingAfter }),
            appError('invalid_cursor', 'invalid'),
            startingAfter,
          );
        }
      });
    });

    describe('listKeys', () => {
      it("pages one tenant's keys newest first, with revocation times and never the hash", async () => {
        const fx = repos();
        const tenant = await newTenant(fx);
        const [a, b, c] = [await newKey(fx, tenant.id), await newKey(fx, tenant.id), await newKey(fx, tenant.id)];
        await newKey(fx, (await newTenant(fx)).id);
        const revokedAt = new Date('2025-05-01T00:00:00.000Z');
        await fx.access.revokeKey(testContext(), b.id, revokedAt);

        const first = await fx.access.listKeys(testContext(), { limit: 2, tenantId: tenant.id });
        const second = await fx.access.listKeys(testContext(), { limit: 2, tenantId: tenant.id, startingAfter: b.id });

        assert.deepEqual(first, { items: [summary(c), { ...summary(b), revokedAt }], hasMore: true });
        assert.deepEqual(second, { items: [summary(a)], hasMore: false });
        for (const item of [...first.items, ...second.items]) {
          assert.equal('secretHash' in item, false, `a listed key carries its hash: ${JSON.stringify(item)}`);
        }
      });

      it("lists every tenant's keys when no tenant is named", async () => {
        const fx = repos();
        const [one, two] = [await newTenant(fx), await newTenant(fx)];
        const keys = [await newKey(fx, one.id), await newKey(fx, two.id), await newKey(fx, one.id)];

        const all = await walk((startingAfter) =>
          fx.access.listKeys(testContext(), startingAfter === undefined ? { limit: 2 } : { limit: 2, startingAfter }),
        );

        // Nothing is newer than the last key made here, as in the tenant walk above.
        assert.deepEqual(all.slice(0, 3), [...keys].reverse().map(summary));
        const ids = all.map((key) => key.id);
        assert.deepEqual(ids, [...ids].sort().reverse(), 'newest (highest id) first');
        assert.equal(new Set(ids).size, ids.length, 'no key twice');
      });

      it('answers an empty page for a tenant without keys', async () => {
        const fx = repos();
        const tenant = await newTenant(fx);

        assert.deepEqual(await fx.access.listKeys(testContext(), { limit: 10, tenantId: tenant.id }), {
          items: [],
          hasMore: false,
        });
      });

      it('refuses an unknown tenant as tenant_not_found, before looking at the cursor', async () => {
        const fx = repos();

        await assert.rejects(
          fx.access.listKeys(testContext(), { limit: 10, tenantId: fx.newId('ten') }),
          appError('tenant_not_found', 'not_found'),
        );
        await assert.rejects(
          fx.access.listKeys(testContext(), { limit: 10, tenantId: fx.newId('ten'), startingAfter: fx.newId('key') }),
          appError('tenant_not_found', 'not_found'),
        );
      });

      it("refuses a malformed or unknown cursor, or another tenant's key, as invalid_cursor", async () => {
        const fx = repos();
        const tenant = await newTenant(fx);
        const stranger = await newKey(fx, (await newTenant(fx)).id);

        for (const startingAfter of ['nope', fx.newId('key'), tenant.id, stranger.id]) {
          await assert.rejects(
            fx.access.listKeys(testContext(), { limit: 5, tenantId: tenant.id, startingAfter }),
            appError('invalid_cursor', 'invalid'),
            startingAfter,
          );
        }
        // Unfiltered, any key is a valid cursor.
        assert.equal(
          (await fx.access.listKeys(testContext(), { limit: 1, startingAfter: stranger.id })).items.length,
          1,
        );
      });
    });
  });
}

for (const backend of backends()) {
  describe(`AccessRepository lists on ${backend.name} are one statement each`, () => {
    const repos = useRepositories(backend);

    it('checks the tenant and the cursor and reads the page in a single autocommit statement', async () => {
      const fx = repos();
      const counting = countingDatabase(fx.db);
      // The adapter is typed to take `query` alone, so it cannot open a transaction either.
      const access = createAccessPgRepository(counting.db);
      const tenant = await newTenant(fx, `Solo ${fx.newId('n')}`);
      const [older, newer] = [await newKey(fx, tenant.id), await newKey(fx, tenant.id)];

      const tenants = await access.listTenants(testContext(), {
        limit: 1,
        name: tenant.name,
        startingAfter: tenant.id,
      });
      counting.assertSent(1, 'listTenants');
      const keys = await access.listKeys(testContext(), { limit: 1, tenantId: tenant.id, startingAfter: newer.id });
      counting.assertSent(1, 'listKeys');
      await assert.rejects(
        access.listKeys(testContext(), { limit: 1, tenantId: fx.newId('ten') }),
        appError('tenant_not_found'),
      );
      counting.assertSent(1, 'listKeys of an unknown tenant');
      await assert.rejects(
        access.listKeys(testContext(), { limit: 1, startingAfter: 'nope' }),
        appError('invalid_cursor'),
      );
      counting.assertSent(0, 'listKeys from a malformed cursor');

      assert.equal(tenants.items.length, 0);
      assert.deepEqual(keys, { items: [summary(older)], hasMore: false });
    });
  });
}
