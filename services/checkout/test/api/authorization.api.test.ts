// Issue 9 §1: every operation of /openapi.json, walked with (a) another tenant's ids and (b) a key
// lacking the operation's scope. Each answers its documented problem, never data, never a side
// effect (every table and the provider's ledger compared before and after). A new operation
// fails here until it declares a scope and this walk knows how to call it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Database } from '@keelson/kit/db';
import Fastify from 'fastify';
import { installAuthentication } from '../../src/adapters/http/authenticate.hook.ts';
import type { Application } from '../../src/app/application.ts';
import { scopes } from '../../src/domain/access.ts';
import { ledger, stats } from '../psp/support.ts';
import { backends } from '../support/databases.ts';
import { useTestServiceWithPsp } from '../support/service.ts';
import { newKey, paidOrder, refund } from './payment-fixtures.ts';

type Json = Record<string, unknown>;
const methods = new Set(['get', 'post', 'patch', 'put', 'delete']);

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ids of one tenant's objects, by the collection a path names them under. */
type Owned = Readonly<
  Record<'products' | 'orders' | 'payments' | 'refunds' | 'webhook_endpoints' | 'events', string>
> & { productVersion: number };

interface Call {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string>>;
  readonly idempotencyKey?: boolean;
}

/** How to call each operation validly with the owner's ids: every operation must have an entry. */
const calls: Readonly<Record<string, (ids: Owned) => Call>> = {
  createProduct: () => ({
    body: { sku: `walk-${randomUUID()}`, name: 'Walk', unit_amount: 1, currency: 'USD', stock: 1 },
  }),
  listProducts: () => ({}),
  getProduct: () => ({}),
  updateProduct: (ids) => ({ body: { name: 'Changed by the walk', version: ids.productVersion } }),
  createOrder: (ids) => ({ body: { lines: [{ product_id: ids.products, quantity: 1 }] } }),
  listOrders: () => ({}),
  getOrder: () => ({}),
  cancelOrder: () => ({}),
  createPayment: () => ({ body: { payment_method: 'pm_card_visa' }, idempotencyKey: true }),
  getPayment: () => ({}),
  listPayments: (ids) => ({ query: { order_id: ids.orders } }),
  createRefund: () => ({ body: { amount: 1 }, idempotencyKey: true }),
  listPaymentRefunds: () => ({}),
  getRefund: () => ({}),
  createWebhookEndpoint: () => ({ body: { url: 'https://hooks.example.com/walk', enabled_events: ['*'] } }),
  listWebhookEndpoints: () => ({}),
  getWebhookEndpoint: () => ({}),
  deleteWebhookEndpoint: () => ({}),
  rotateWebhookSecret: () => ({}),
  listWebhookDeliveries: () => ({}),
  listEvents: () => ({}),
  getEvent: () => ({}),
};

/**
 * /v2 has the same operations under ids ending in V2 (ADR 0017); only those that take money in
 * their body are called differently.
 */
const callsV2: Readonly<Record<string, (ids: Owned) => Call>> = {
  ...Object.fromEntries(Object.entries(calls).map(([id, call]) => [`${id}V2`, call])),
  createProductV2: () => ({
    body: { sku: `walk-${randomUUID()}`, name: 'Walk', price: { amount: 1, currency: 'USD' }, stock: 1 },
  }),
  createRefundV2: () => ({ body: { amount: { amount: 1 } }, idempotencyKey: true }),
};

/** What another tenant's ids answer where they are not in the path (which is always 404). */
const foreignOutcome: Readonly<Record<string, { status: number; code?: string }>> = {
  createOrder: { status: 400, code: 'unknown_product' },
  listPayments: { status: 200 },
  createOrderV2: { status: 400, code: 'unknown_product' },
  listPaymentsV2: { status: 200 },
};

interface Operation {
  readonly id: string;
  readonly method: string;
  readonly path: string;
  readonly scope: string;
}

function operationsOf(document: Json): Operation[] {
  assert.ok(isObject(document.paths));
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(isObject(item) ? item : {}).flatMap(([method, op]): Operation[] => {
      if (!methods.has(method) || !isObject(op)) return [];
      const id = String(op.operationId);
      const security = op.security;
      assert.ok(Array.isArray(security), `${id} declares its security requirement`);
      if (security.length === 0) return [];
      // One requirement naming one scope of the bearer scheme: what the authentication hook enforces.
      assert.equal(security.length, 1, id);
      const [requirement] = security;
      assert.ok(isObject(requirement) && Array.isArray(requirement.apiKey), `${id}: ${JSON.stringify(security)}`);
      assert.equal(requirement.apiKey.length, 1, id);
      const scope = String(requirement.apiKey[0]);
      assert.ok((scopes as readonly string[]).includes(scope), `${id} needs a known scope, not ${scope}`);
      return [{ id, method: method.toUpperCase(), path, scope }];
    }),
  );
}

/** Every row of every table but the idempotency keys (a caller's own record of its own request). */
async function snapshotDatabase(db: Database): Promise<Json> {
  return db.transaction({ deadline: Date.now() + 10_000 }, async (tx) => {
    const tables = await tx.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'idempotency_keys'
       ORDER BY table_name`,
    );
    const out: Json = {};
    for (const { name } of tables.rows) {
      const rows = await tx.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${name}" t ORDER BY 1`);
      out[name] = rows.rows.map((r) => r.row);
    }
    return out;
  });
}

for (const backend of backends()) {
  describe(`authorization of every operation on ${backend.name}`, () => {
    const service = useTestServiceWithPsp(backend);

    it('another tenant’s ids answer 404 and a key without the scope 403, with no data and no side effect', async () => {
      const svc = service();
      const owner = await svc.newTenant(['admin']);
      const other = await svc.newTenant(['admin']);
      const { order, payment } = await paidOrder(owner.api, 1500, 2);
      const refunded = await refund(owner.api, payment.id, { amount: 100 }, newKey('walk-refund'));
      assert.ok(refunded.data, JSON.stringify(refunded.error));
      const product = order.lines[0]?.product_id ?? assert.fail('the order has a line');
      const read = await owner.api.GET('/v1/products/{id}', { params: { path: { id: product } } });
      const endpoint = await owner.api.POST('/v1/webhook_endpoints', {
        body: { url: 'https://hooks.example.com/owner', enabled_events: ['order.paid'] },
      });
      const events = await owner.api.GET('/v1/events', {});
      const ids: Owned = {
        webhook_endpoints: endpoint.data?.id ?? assert.fail(JSON.stringify(endpoint.error)),
        events: events.data?.data[0]?.id ?? assert.fail('the owner has events'),
        products: product,
        orders: order.id,
        payments: payment.id,
        refunds: refunded.data.id,
        productVersion: read.data?.version ?? assert.fail('the product reads'),
      };
      const narrowKeys: Record<string, string> = {};
      for (const [scope, held] of Object.entries({ read: ['write'], write: ['read'], admin: ['read', 'write'] })) {
        const key = await svc.admin('POST', '/keys', { tenant_id: owner.tenantId, scopes: held });
        narrowKeys[scope] = String(key.body.token);
      }

      const document = (await (await fetch(`${svc.apiUrl}/openapi.json`)).json()) as Json;
      const operations = operationsOf(document);
      assert.ok(operations.length >= 14, 'the walk covers the authenticated operations');

      const send = async (op: Operation, token: string) => {
        const describeCall =
          calls[op.id] ?? callsV2[op.id] ?? assert.fail(`${op.id}: add how to call it to the authorization walk`);
        const call = describeCall(ids);
        const collection = /^\/v[12]\/(\w+)\/\{id\}/.exec(op.path)?.[1];
        const id = collection === undefined ? undefined : ids[collection as keyof Owned];
        if (collection !== undefined)
          assert.equal(typeof id, 'string', `${op.id}: no owned id for /${collection}/{id}`);
        const url = new URL(`${svc.apiUrl}${op.path.replace('{id}', String(id))}`);
        for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
        const response = await fetch(url, {
          method: op.method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(call.idempotencyKey ? { 'idempotency-key': newKey(op.id) } : {}),
          },
          ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
        });
        return { status: response.status, text: await response.text() };
      };

      const dbBefore = await snapshotDatabase(svc.database.db);
      const providerBefore = { ledger: await ledger(svc.psp), requests: (await stats(svc.psp)).requests };

      for (const op of operations) {
        const foreignExpected = /\{id\}/.test(op.path) ? { status: 404 } : foreignOutcome[op.id];
        // An operation naming none of the owner's ids (a create, an unfiltered list) is the other
        // tenant's own business: only the scope half of the walk applies to it.
        if (foreignExpected !== undefined) {
          const foreign = await send(op, other.token);
          assert.equal(foreign.status, foreignExpected.status, `${op.id} with another tenant's ids: ${foreign.text}`);
          const body = JSON.parse(foreign.text) as Json;
          if (foreign.status === 200) {
            assert.deepEqual(body.data, [], `${op.id} lists nothing of another tenant`);
          } else {
            const code = foreignExpected.code === undefined ? /_not_found$/ : new RegExp(`^${foreignExpected.code}$`);
            assert.match(String(body.code), code, foreign.text);
            assert.deepEqual(Object.keys(body).sort(), ['code', 'detail', 'request_id', 'status', 'title', 'type']);
          }
        }

        const narrow = await send(op, narrowKeys[op.scope] ?? assert.fail(op.scope));
        assert.equal(narrow.status, 403, `${op.id} without '${op.scope}': ${narrow.text}`);
        const problem = JSON.parse(narrow.text) as Json;
        assert.equal(problem.code, 'insufficient_scope', op.id);
        assert.deepEqual(Object.keys(problem).sort(), ['code', 'detail', 'request_id', 'status', 'title', 'type']);
      }

      // A write by the other tenant or by a narrow key, or a provider call, would show here.
      assert.deepEqual(await snapshotDatabase(svc.database.db), dbBefore);
      assert.deepEqual({ ledger: await ledger(svc.psp), requests: (await stats(svc.psp)).requests }, providerBefore);
    });
  });
}

describe('a route without a declared scope', () => {
  it('fails the server at start instead of shipping unguarded', async () => {
    const fastify = Fastify({ logger: false });
    // Safe: the hook only calls the application per request, and no request is made.
    installAuthentication(fastify, {} as Application);
    assert.throws(
      () => fastify.get('/undeclared', async () => ({ ok: true })),
      /GET \/undeclared: an authenticated route must declare its scope/,
    );
    fastify.get('/declared', { config: { scope: 'read' } }, async () => ({ ok: true }));
    await fastify.ready();
    await fastify.close();
  });
});
