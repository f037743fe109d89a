import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKey, Tenant } from '../../src/domain/access.ts';
import {
  type RepositoryFixture,
  repositoryBackends,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

async function newTenant(fx: RepositoryFixture): Promise<Tenant> {
  const tenant = { id: fx.newId('ten'), name: 'Acme GmbH', createdAt: new Date('2025-02-03T04:05:06.789Z') };
  await fx.access.insertTenant(testContext(), tenant);
  return tenant;
}

async function newKey(fx: RepositoryFixture, tenantId: string): Promise<ApiKey> {
  const key: ApiKey = {
    id: fx.newId('key'),
    tenantId,
    secretHash: `hash-${fx.newId('h')}`,
    scopes: ['read', 'write'],
    createdAt: new Date('2025-02-03T04:05:07.000Z'),
    revokedAt: undefined,
  };
  await fx.access.insertKey(testContext(), key);
  return key;
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
  });
}
