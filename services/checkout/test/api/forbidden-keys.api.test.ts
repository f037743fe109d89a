// Valid JSON carrying a key that could reach a prototype (`__proto__`, `constructor` holding
// `prototype`) is refused on purpose: 400 `invalid_request` naming the key's path, never
// `invalid_json`, and nothing is written (docs/errors.md, "Forbidden keys"). The first case
// is the counterexample the bad-input property found (issue 5, item 11).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProblem, createExchangeLog, rawBody, snapshotTenants } from '../support/api-checks.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const invalid = { status: 400, code: 'invalid_request' } as const;

for (const backend of backends()) {
  describe(`forbidden JSON keys on ${backend.name}`, () => {
    const service = useTestService(backend);
    const log = createExchangeLog();

    async function tenant() {
      const created = await service().newTenant();
      created.api.use(log.middleware);
      return created;
    }

    it('a product whose currency is {"__proto__": null} is invalid_request at body.currency.__proto__', async () => {
      const { api, tenantId } = await tenant();
      const before = await snapshotTenants(service().database.db, [tenantId]);
      const body = '{"sku":"a","name":"b","unit_amount":1,"currency":{"__proto__":null},"stock":1}';
      const result = await api.POST('/v1/products', rawBody(body));
      const problem = assertProblem(log, result, invalid);
      assert.deepEqual(problem.issues, [{ path: 'body.currency.__proto__', message: 'is a forbidden key' }]);
      assert.deepEqual(await snapshotTenants(service().database.db, [tenantId]), before, 'nothing written');
    });

    it('an order line carrying constructor.prototype is invalid_request naming the path', async () => {
      const { api, tenantId } = await tenant();
      const product = await api.POST('/v1/products', {
        body: { sku: `sku-${tenantId}`, name: 'Mug', unit_amount: 1250, currency: 'USD', stock: 10 },
      });
      assert.equal(product.response.status, 201);
      const before = await snapshotTenants(service().database.db, [tenantId]);
      const line = `{"product_id":"${product.data?.id}","quantity":1,"constructor":{"prototype":{}}}`;
      const result = await api.POST('/v1/orders', rawBody(`{"lines":[${line}]}`));
      const problem = assertProblem(log, result, invalid);
      assert.deepEqual(problem.issues, [{ path: 'body.lines.0.constructor.prototype', message: 'is a forbidden key' }]);
      assert.deepEqual(await snapshotTenants(service().database.db, [tenantId]), before, 'nothing written');
    });
  });
}
