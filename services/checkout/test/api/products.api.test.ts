import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

for (const backend of backends()) {
  describe(`products API on ${backend.name}`, () => {
    const service = useTestService(backend);

    it('creates, reads, lists and updates a product', async () => {
      const { api } = await service().newTenant();
      const created = await api.POST('/v1/products', {
        body: { sku: 'sku-1', name: 'Mug', unit_amount: 1250, currency: 'EUR', stock: 7 },
      });
      assert.equal(created.response.status, 201);
      assert.ok(created.data);
      const id = created.data.id;
      const read = await api.GET('/v1/products/{id}', { params: { path: { id } } });
      assert.equal(read.data?.unit_amount, 1250);
      const list = await api.GET('/v1/products', { params: { query: { limit: 1 } } });
      assert.deepEqual(
        list.data?.data.map((p) => p.id),
        [id],
      );
      const patched = await api.PATCH('/v1/products/{id}', {
        params: { path: { id } },
        body: { stock: 3, version: 1 },
      });
      assert.equal(patched.data?.stock, 3);
      assert.equal(patched.data?.version, 2);
      const stale = await api.PATCH('/v1/products/{id}', { params: { path: { id } }, body: { stock: 4, version: 1 } });
      assert.equal(stale.response.status, 409);
      assert.equal(stale.error?.code, 'version_conflict');
    });
  });
}
