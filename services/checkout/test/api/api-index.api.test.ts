// GET /v1, the address the welcome banner prints: a public index of where the resources and
// the documentation are. It reads no data, so the embedded backend is enough.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../src/adapters/http/openapi-document.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const [embedded] = backends();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const index = {
  object: 'api',
  version: 'v1',
  resources: {
    products: '/v1/products',
    orders: '/v1/orders',
    payments: '/v1/payments',
    events: '/v1/events',
    webhook_endpoints: '/v1/webhook_endpoints',
  },
  docs: '/docs',
  openapi: '/openapi.json',
};

describe('the /v1 index', () => {
  const service = useTestService(embedded ?? assert.fail('the embedded backend is always listed'));

  it('answers without a key, and a bad key does not change that', async () => {
    for (const authorization of [undefined, 'Bearer key_nope.nope', 'Basic eDp5']) {
      const { data, response } = await service().client(authorization).GET('/v1', {});
      assert.equal(response.status, 200, String(authorization));
      assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
      assert.deepEqual(data, index);
    }
  });

  it('every path it names answers: the docs publicly, the resources with a key', async () => {
    const { token } = await service().newTenant(['read']);
    for (const path of [index.docs, index.openapi]) {
      const response = await fetch(new URL(path, service().apiUrl));
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
    }
    for (const path of Object.values(index.resources)) {
      const anonymous = await fetch(new URL(path, service().apiUrl));
      assert.equal(anonymous.status, 401, `${path} still needs a key`);
      await anonymous.body?.cancel();
      const response = await fetch(new URL(path, service().apiUrl), { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
    }
  });

  it('another method is 405 with Allow', async () => {
    const response = await fetch(`${service().apiUrl}/v1`, { method: 'POST' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
    await response.body?.cancel();
  });

  it('is in the OpenAPI document as getApiIndex, with no security requirement', async () => {
    const { paths } = await buildOpenApiDocument();
    const item = isObject(paths) ? paths['/v1'] : undefined;
    const operation = isObject(item) ? item.get : undefined;
    assert.ok(isObject(operation), 'GET /v1 is documented');
    assert.equal(operation.operationId, 'getApiIndex');
    assert.deepEqual(operation.security, []);
  });
});
