// The published contract: /openapi.json, the committed client types generated from it, the
// headers every response carries, and the /docs page. /openapi.json, /docs and /readyz are
// not part of the typed API, so those few requests use fetch; the rest use the client.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generatedClientTypes, renderClientTypes } from '../../../../scripts/generate-client.ts';
import { buildOpenApiDocument } from '../../src/adapters/http/openapi-document.ts';
import { apiKeySchemeDescription } from '../../src/adapters/http/openapi-security.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const operationsV1: Readonly<Record<string, string>> = {
  getApiIndex: 'get /v1',
  createProduct: 'post /v1/products',
  listProducts: 'get /v1/products',
  getProduct: 'get /v1/products/{id}',
  updateProduct: 'patch /v1/products/{id}',
  createOrder: 'post /v1/orders',
  listOrders: 'get /v1/orders',
  getOrder: 'get /v1/orders/{id}',
  cancelOrder: 'post /v1/orders/{id}/cancel',
  createPayment: 'post /v1/orders/{id}/payments',
  getPayment: 'get /v1/payments/{id}',
  listPayments: 'get /v1/payments',
  createRefund: 'post /v1/payments/{id}/refunds',
  listPaymentRefunds: 'get /v1/payments/{id}/refunds',
  getRefund: 'get /v1/refunds/{id}',
  createWebhookEndpoint: 'post /v1/webhook_endpoints',
  listWebhookEndpoints: 'get /v1/webhook_endpoints',
  getWebhookEndpoint: 'get /v1/webhook_endpoints/{id}',
  deleteWebhookEndpoint: 'delete /v1/webhook_endpoints/{id}',
  rotateWebhookSecret: 'post /v1/webhook_endpoints/{id}/rotate_secret',
  listWebhookDeliveries: 'get /v1/webhook_endpoints/{id}/deliveries',
  listEvents: 'get /v1/events',
  getEvent: 'get /v1/events/{id}',
};
// /v2 has every v1 operation under the same path, its id ending in V2 (ADR 0017).
const operations: Readonly<Record<string, string>> = {
  ...operationsV1,
  ...Object.fromEntries(
    Object.entries(operationsV1).map(([id, key]) => [`${id}V2`, key.replace(/ \/v1(?=\/|$)/, ' /v2')]),
  ),
};
const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every operation of the document: `{ key: 'post /v1/orders', operation }`. */
function operationsOf(document: Json): { key: string; operation: Json }[] {
  assert.ok(isObject(document.paths), 'the document has paths');
  return Object.entries(document.paths).flatMap(([path, item]) =>
    isObject(item)
      ? Object.entries(item).flatMap(([method, operation]) =>
          methods.has(method) && isObject(operation) ? [{ key: `${method} ${path}`, operation }] : [],
        )
      : [],
  );
}

for (const backend of backends()) {
  describe(`the published contract on ${backend.name}`, () => {
    const service = useTestService(backend);

    async function servedDocument(): Promise<Json> {
      const response = await fetch(`${service().apiUrl}/openapi.json`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json\b/);
      const document: unknown = await response.json();
      assert.ok(isObject(document));
      return document;
    }

    it('GET /openapi.json is OpenAPI 3.1 with the twenty-three operations in each version, each with its problem responses', async () => {
      const document = await servedDocument();
      assert.match(String(document.openapi), /^3\.1\.\d+$/);
      const byId = Object.fromEntries(
        operationsOf(document)
          .filter(({ operation }) => typeof operation.operationId === 'string')
          .map(({ key, operation }) => [String(operation.operationId), key]),
      );
      assert.deepEqual(byId, operations);
      for (const { key, operation } of operationsOf(document).filter((o) => / \/v[12]\//.test(o.key))) {
        assert.ok(isObject(operation.responses), key);
        for (const status of ['400', '401', '403', '404']) {
          const response = operation.responses[status];
          assert.ok(isObject(response) && isObject(response.content), `${key} documents ${status}`);
          assert.ok('application/problem+json' in response.content, `${key} ${status} is a problem document`);
        }
      }
      assert.ok(isObject(document.components) && isObject(document.components.securitySchemes));
      assert.deepEqual(document.components.securitySchemes.apiKey, {
        type: 'http',
        scheme: 'bearer',
        description: apiKeySchemeDescription,
      });
      // Each operation states its own requirement (test/api/authorization.api.test.ts walks them).
      assert.equal(document.security, undefined);
    });

    it('the committed client types are generated from the current document', async () => {
      const committed = readFileSync(generatedClientTypes, 'utf8').split('\n');
      const current = (await renderClientTypes()).split('\n');
      const line = current.findIndex((text, i) => text !== committed[i]);
      const differs = line !== -1 || committed.length !== current.length;
      const where = line === -1 ? 'length differs' : `line ${line + 1}: ${JSON.stringify(current[line])}`;
      assert.ok(
        !differs,
        `services/checkout/test/generated/checkout-api.ts is stale (${where}): run npm run generate:client`,
      );
    });

    it('the served document is the one the client is generated from', async () => {
      const served = await servedDocument();
      assert.deepEqual(Object.keys(isObject(served.paths) ? served.paths : {}).sort(), [
        '/v1',
        '/v1/events',
        '/v1/events/{id}',
        '/v1/orders',
        '/v1/orders/{id}',
        '/v1/orders/{id}/cancel',
        '/v1/orders/{id}/payments',
        '/v1/payments',
        '/v1/payments/{id}',
        '/v1/payments/{id}/refunds',
        '/v1/products',
        '/v1/products/{id}',
        '/v1/refunds/{id}',
        '/v1/webhook_endpoints',
        '/v1/webhook_endpoints/{id}',
        '/v1/webhook_endpoints/{id}/deliveries',
        '/v1/webhook_endpoints/{id}/rotate_secret',
        '/v2',
        '/v2/events',
        '/v2/events/{id}',
        '/v2/orders',
        '/v2/orders/{id}',
        '/v2/orders/{id}/cancel',
        '/v2/orders/{id}/payments',
        '/v2/payments',
        '/v2/payments/{id}',
        '/v2/payments/{id}/refunds',
        '/v2/products',
        '/v2/products/{id}',
        '/v2/refunds/{id}',
        '/v2/webhook_endpoints',
        '/v2/webhook_endpoints/{id}',
        '/v2/webhook_endpoints/{id}/deliveries',
        '/v2/webhook_endpoints/{id}/rotate_secret',
      ]);
      assert.deepEqual(served, await buildOpenApiDocument());
    });

    it('every v1 operation is deprecated and documents Deprecation, Sunset and Link on every response; v2 is not', async () => {
      const document = await servedDocument();
      for (const { key, operation } of operationsOf(document)) {
        const isV1 = / \/v1(\/|$)/.test(key);
        assert.equal(operation.deprecated === true, isV1, `${key} deprecated: ${String(operation.deprecated)}`);
        assert.ok(isObject(operation.responses), key);
        for (const [status, response] of Object.entries(operation.responses)) {
          const headers = isObject(response) && isObject(response.headers) ? response.headers : {};
          for (const name of ['Deprecation', 'Sunset', 'Link']) {
            assert.equal(isObject(headers[name]), isV1, `${key} ${status} ${name}`);
          }
        }
      }
    });

    it('responses carry X-Request-Id: a sane inbound id is echoed, an unsafe one replaced', async () => {
      const { api } = await service().newTenant();
      const traced = await api.GET('/v1/products', { headers: { 'x-request-id': 'trace-42.a_b' } });
      assert.equal(traced.response.status, 200);
      assert.equal(traced.response.headers.get('x-request-id'), 'trace-42.a_b');

      const missing = await api.GET('/v1/products/{id}', {
        params: { path: { id: 'prod_01J00000000000000000000000' } },
        headers: { 'x-request-id': 'trace-43' },
      });
      assert.equal(missing.response.status, 404);
      assert.equal(missing.response.headers.get('x-request-id'), 'trace-43');
      assert.equal(missing.error?.request_id, 'trace-43');

      const unsafe = await api.GET('/v1/products', { headers: { 'x-request-id': 'evil id <script>' } });
      assert.match(unsafe.response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
      const minted = await service().client().GET('/v1/orders', {});
      assert.equal(minted.response.status, 401);
      assert.match(minted.response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
      assert.equal(minted.error?.request_id, minted.response.headers.get('x-request-id'));
    });

    it('API answers, problems included, carry the security headers and are not cached', async () => {
      const { api } = await service().newTenant();
      const answers = [
        (await api.GET('/v1/products', {})).response,
        (await api.GET('/v1/orders/{id}', { params: { path: { id: 'ord_01J00000000000000000000000' } } })).response,
        (await service().client().GET('/v1/products', {})).response,
      ];
      assert.deepEqual(
        answers.map((r) => r.status),
        [200, 404, 401],
      );
      for (const response of answers) {
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(response.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'");
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      }
    });

    it('/docs answers 200 text/html under a policy that lets Swagger UI run', async () => {
      const response = await fetch(`${service().apiUrl}/docs`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html\b/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.match(await response.text(), /swagger-ui/i);
    });
  });
}
