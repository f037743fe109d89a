// The webhook endpoint and event routes: secrets shown once, validation (scheme, literal
// addresses, event types), cursor lists, tenant isolation, scopes, and bad input that changes
// nothing. Deliveries themselves are tested in test/webhooks/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '@keelson/kit/db';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const unknownEndpoint = 'we_01J00000000000000000000000';

/** Every webhook row of the tenant, to show a refused request changed nothing. */
async function webhookRows(db: Database, tenantId: string) {
  const scope = { deadline: Date.now() + 5_000 };
  const endpoints = await db.query(scope, 'SELECT * FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY id', [
    tenantId,
  ]);
  const deliveries = await db.query(scope, 'SELECT * FROM webhook_deliveries WHERE tenant_id = $1 ORDER BY id', [
    tenantId,
  ]);
  return { endpoints: endpoints.rows, deliveries: deliveries.rows };
}

for (const backend of backends()) {
  describe(`webhook endpoints and events API on ${backend.name}`, () => {
    const service = useTestService(backend, { KEELSON_WEBHOOKS_CONCURRENCY: '0' });

    async function send(token: string, method: string, path: string, body?: unknown, raw?: string) {
      const response = await fetch(`${service().apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined && raw === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(raw !== undefined ? { body: raw } : body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: text === '' ? undefined : JSON.parse(text),
      };
    }

    it('creates an endpoint showing its whsec_ secret once; get, list, rotate, delete', async () => {
      const { token, api, tenantId } = await service().newTenant();
      const created = await api.POST('/v1/webhook_endpoints', {
        body: { url: 'https://hooks.example.com/keelson', enabled_events: ['order.paid', 'payment.succeeded'] },
      });
      assert.equal(created.response.status, 201);
      assert.ok(created.data);
      const { id, secret } = created.data;
      assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
      assert.equal(created.response.headers.get('location'), `/v1/webhook_endpoints/${id}`);
      assert.deepEqual(created.data.enabled_events, ['order.paid', 'payment.succeeded']);
      assert.equal(created.data.previous_secret_expires_at, null);

      const read = await send(token, 'GET', `/v1/webhook_endpoints/${id}`);
      assert.equal(read.status, 200);
      assert.equal(read.json.url, 'https://hooks.example.com/keelson');
      assert.ok(!('secret' in read.json), 'the secret is shown on create only');
      assert.ok(!read.text.includes(secret));
      const list = await send(token, 'GET', '/v1/webhook_endpoints?limit=10');
      assert.deepEqual(
        list.json.data.map((e: { id: string }) => e.id),
        [id],
      );
      assert.ok(!list.text.includes('whsec_'));

      // Stored sealed: the database holds no plain secret.
      const rows = await webhookRows(service().database.db, tenantId);
      assert.ok(!JSON.stringify(rows).includes(secret), 'the secret is not stored in plain text');

      const rotated = await api.POST('/v1/webhook_endpoints/{id}/rotate_secret', { params: { path: { id } } });
      assert.equal(rotated.response.status, 200);
      assert.ok(rotated.data);
      assert.notEqual(rotated.data.secret, secret);
      assert.match(rotated.data.secret, /^whsec_/);
      const overlapEnds = Date.parse(rotated.data.previous_secret_expires_at ?? '');
      assert.ok(Math.abs(overlapEnds - (Date.now() + 24 * 3_600_000)) < 120_000, 'the default overlap is 24 h');

      const deliveries = await send(token, 'GET', `/v1/webhook_endpoints/${id}/deliveries`);
      assert.deepEqual(deliveries.json, { object: 'list', data: [], has_more: false });

      const deleted = await send(token, 'DELETE', `/v1/webhook_endpoints/${id}`);
      assert.deepEqual(deleted.json, { object: 'webhook_endpoint', id, deleted: true });
      assert.equal((await send(token, 'GET', `/v1/webhook_endpoints/${id}`)).json.code, 'webhook_endpoint_not_found');
      assert.equal((await send(token, 'DELETE', `/v1/webhook_endpoints/${id}`)).status, 404);
    });

    it('refuses bad input with a 4xx problem and changes nothing', async () => {
      const { token, tenantId } = await service().newTenant();
      const good = { url: 'https://hooks.example.com/x', enabled_events: ['*'] };
      const made = await send(token, 'POST', '/v1/webhook_endpoints', good);
      assert.equal(made.status, 201);
      const before = await webhookRows(service().database.db, tenantId);
      const cases: [string, unknown, number, string][] = [
        ['http URL', { ...good, url: 'http://hooks.example.com/x' }, 400, 'invalid_webhook_url'],
        ['loopback literal', { ...good, url: 'https://127.0.0.1/x' }, 400, 'invalid_webhook_url'],
        ['127.1', { ...good, url: 'https://127.1/x' }, 400, 'invalid_webhook_url'],
        ['mapped IPv6', { ...good, url: 'https://[::ffff:127.0.0.1]/x' }, 400, 'invalid_webhook_url'],
        ['metadata', { ...good, url: 'https://169.254.169.254/latest' }, 400, 'invalid_webhook_url'],
        ['localhost', { ...good, url: 'https://localhost/x' }, 400, 'invalid_webhook_url'],
        ['credentials', { ...good, url: 'https://u:p@hooks.example.com/' }, 400, 'invalid_webhook_url'],
        ['not a URL', { ...good, url: 'hooks' }, 400, 'invalid_webhook_url'],
        ['URL too long', { ...good, url: `https://e.com/${'a'.repeat(2048)}` }, 400, 'invalid_request'],
        ['unknown event type', { ...good, enabled_events: ['order.exploded'] }, 400, 'invalid_request'],
        ['no event types', { ...good, enabled_events: [] }, 400, 'invalid_request'],
        ['* with others', { ...good, enabled_events: ['*', 'order.paid'] }, 400, 'unknown_event_type'],
        ['extra field', { ...good, secret: 'whsec_mine' }, 400, 'invalid_request'],
        ['no url', { enabled_events: ['*'] }, 400, 'invalid_request'],
        ['array body', [good], 400, 'invalid_request'],
      ];
      for (const [label, body, status, code] of cases) {
        const answer = await send(token, 'POST', '/v1/webhook_endpoints', body);
        assert.equal(answer.status, status, label);
        assert.equal(answer.json.code, code, label);
        assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/, label);
      }
      const malformed = await send(token, 'POST', '/v1/webhook_endpoints', undefined, '{"url":');
      assert.equal(malformed.status, 400);
      for (const [path, code] of [
        [`/v1/webhook_endpoints/${unknownEndpoint}`, 'webhook_endpoint_not_found'],
        [`/v1/webhook_endpoints/${unknownEndpoint}/deliveries`, 'webhook_endpoint_not_found'],
        ['/v1/webhook_endpoints?limit=0', 'invalid_request'],
        ['/v1/webhook_endpoints?starting_after=prod_01J00000000000000000000000', 'invalid_cursor'],
        [`/v1/webhook_endpoints?starting_after=${unknownEndpoint}`, 'invalid_cursor'],
        [
          `/v1/webhook_endpoints/${made.json.id}/deliveries?starting_after=whd_01J00000000000000000000000`,
          'invalid_cursor',
        ],
        ['/v1/events?starting_after=evt_01J00000000000000000000000', 'invalid_cursor'],
        ['/v1/events/evt_01J00000000000000000000000', 'event_not_found'],
        ['/v1/events?type=', 'invalid_request'],
      ] as const) {
        const answer = await send(token, 'GET', path);
        assert.equal(answer.json.code, code, path);
        assert.ok(answer.status >= 400 && answer.status < 500, path);
      }
      const rotateUnknown = await send(token, 'POST', `/v1/webhook_endpoints/${unknownEndpoint}/rotate_secret`);
      assert.equal(rotateUnknown.json.code, 'webhook_endpoint_not_found');
      const rotateBody = await send(token, 'POST', `/v1/webhook_endpoints/${made.json.id}/rotate_secret`, { x: 1 });
      assert.equal(rotateBody.status, 400);
      assert.deepEqual(await webhookRows(service().database.db, tenantId), before);
    });

    it('holds a tenant to 16 endpoints (409 too_many_webhook_endpoints), and pages them with a cursor', async () => {
      const { token, tenantId } = await service().newTenant();
      const ids: string[] = [];
      for (let i = 0; i < 16; i += 1) {
        const made = await send(token, 'POST', '/v1/webhook_endpoints', {
          url: `https://hooks.example.com/${i}`,
          enabled_events: ['*'],
        });
        assert.equal(made.status, 201);
        ids.push(made.json.id);
      }
      const before = await webhookRows(service().database.db, tenantId);
      const refused = await send(token, 'POST', '/v1/webhook_endpoints', {
        url: 'https://hooks.example.com/17',
        enabled_events: ['*'],
      });
      assert.equal(refused.status, 409);
      assert.equal(refused.json.code, 'too_many_webhook_endpoints');
      assert.deepEqual(await webhookRows(service().database.db, tenantId), before);
      const first = await send(token, 'GET', '/v1/webhook_endpoints?limit=10');
      assert.equal(first.json.has_more, true);
      const rest = await send(token, 'GET', `/v1/webhook_endpoints?limit=10&starting_after=${first.json.data[9].id}`);
      assert.equal(rest.json.has_more, false);
      assert.deepEqual(
        [...first.json.data, ...rest.json.data].map((e: { id: string }) => e.id),
        [...ids].reverse(),
      );
    });

    it("keeps tenants apart: another tenant's endpoint and events answer 404", async () => {
      const a = await service().newTenant();
      const b = await service().newTenant();
      const made = await send(a.token, 'POST', '/v1/webhook_endpoints', {
        url: 'https://hooks.example.com/a',
        enabled_events: ['*'],
      });
      const product = await a.api.POST('/v1/products', {
        body: { sku: 'iso-1', name: 'Iso', unit_amount: 100, currency: 'EUR', stock: 1 },
      });
      assert.equal(product.response.status, 201);
      const events = await send(a.token, 'GET', '/v1/events');
      const eventId: string = events.json.data[0].id;
      for (const path of [
        `/v1/webhook_endpoints/${made.json.id}`,
        `/v1/webhook_endpoints/${made.json.id}/deliveries`,
        `/v1/events/${eventId}`,
      ]) {
        assert.equal((await send(b.token, 'GET', path)).status, 404, path);
      }
      assert.equal((await send(b.token, 'DELETE', `/v1/webhook_endpoints/${made.json.id}`)).status, 404);
      assert.equal((await send(b.token, 'POST', `/v1/webhook_endpoints/${made.json.id}/rotate_secret`)).status, 404);
      assert.deepEqual((await send(b.token, 'GET', '/v1/webhook_endpoints')).json.data, []);
      assert.deepEqual((await send(b.token, 'GET', '/v1/events')).json.data, []);
      assert.equal((await send(b.token, 'GET', `/v1/events?starting_after=${eventId}`)).json.code, 'invalid_cursor');
      assert.equal((await send(a.token, 'GET', `/v1/webhook_endpoints/${made.json.id}`)).status, 200);
    });

    it('needs write to change endpoints and read to see them and events', async () => {
      const reader = await service().newTenant(['read']);
      const refused = await send(reader.token, 'POST', '/v1/webhook_endpoints', {
        url: 'https://hooks.example.com/r',
        enabled_events: ['*'],
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.code, 'insufficient_scope');
      assert.equal((await send(reader.token, 'GET', '/v1/webhook_endpoints')).status, 200);
      assert.equal((await send(reader.token, 'GET', '/v1/events')).status, 200);
      assert.equal((await send(reader.token, 'DELETE', `/v1/webhook_endpoints/${unknownEndpoint}`)).status, 403);
      assert.equal(
        (await send(reader.token, 'POST', `/v1/webhook_endpoints/${unknownEndpoint}/rotate_secret`)).status,
        403,
      );
      const anonymous = await fetch(`${service().apiUrl}/v1/events`);
      assert.equal(anonymous.status, 401);
    });

    it('lists events as Stripe does, newest first, with a type filter and a cursor', async () => {
      const { token, api } = await service().newTenant();
      const product = await api.POST('/v1/products', {
        body: { sku: 'ev-1', name: 'Ev', unit_amount: 250, currency: 'EUR', stock: 5 },
      });
      assert.ok(product.data);
      await api.PATCH('/v1/products/{id}', {
        params: { path: { id: product.data.id } },
        body: { stock: 4, version: 1 },
      });
      const order = await api.POST('/v1/orders', { body: { lines: [{ product_id: product.data.id, quantity: 1 }] } });
      assert.ok(order.data);
      const all = await send(token, 'GET', '/v1/events?limit=10');
      assert.deepEqual(
        all.json.data.map((e: { type: string }) => e.type),
        ['order.created', 'product.updated', 'product.created'],
      );
      const created = all.json.data[0];
      assert.equal(created.object, 'event');
      assert.ok(Number.isInteger(created.created));
      assert.ok(Math.abs(created.created * 1_000 - Date.now()) < 600_000);
      // The object as the API shows it.
      const orderRead = await api.GET('/v1/orders/{id}', { params: { path: { id: order.data.id } } });
      assert.deepEqual(created.data.object, orderRead.data);
      const one = await send(token, 'GET', `/v1/events/${created.id}`);
      assert.deepEqual(one.json, created);
      const products = await send(token, 'GET', '/v1/events?type=product.updated');
      assert.deepEqual(
        products.json.data.map((e: { type: string }) => e.type),
        ['product.updated'],
      );
      assert.equal(products.json.data[0].data.object.stock, 4);
      const page1 = await send(token, 'GET', '/v1/events?limit=2');
      assert.equal(page1.json.has_more, true);
      const page2 = await send(token, 'GET', `/v1/events?limit=2&starting_after=${page1.json.data[1].id}`);
      assert.deepEqual(
        page2.json.data.map((e: { type: string }) => e.type),
        ['product.created'],
      );
      assert.equal(page2.json.has_more, false);
    });
  });
}
