// Rate limits through the whole service: headers on every limited answer, 429 with Retry-After and
// a problem naming the reason, plans given to keys by the admin API, and the limiter running before
// idempotency (a refused request stores nothing under its key). Each test uses its own key.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { clearFaults, putFaults, requestsTo, stats, waitFor } from '../psp/support.ts';
import { backends } from '../support/databases.ts';
import { testContext } from '../support/repository-fixtures.ts';
import { useTestServiceWithPsp } from '../support/service.ts';

// Default plan: 5/s (a token every 200 ms), burst 4, 2 in flight. `tight`: one in flight. `slow`:
// a token every 2 s, so header values cannot change between two requests on a loaded machine.
const limits = {
  KEELSON_RATE_LIMIT_RATE: '5',
  KEELSON_RATE_LIMIT_BURST: '4',
  KEELSON_RATE_LIMIT_CONCURRENCY: '2',
  KEELSON_RATE_LIMIT_PLANS: JSON.stringify({
    tight: { rate: 50, burst: 30, concurrency: 1 },
    slow: { rate: 0.5, burst: 4, concurrency: 2 },
  }),
};

const intents = 'POST /v1/payment_intents';

for (const backend of backends()) {
  describe(`rate limits on ${backend.name}`, () => {
    const service = useTestServiceWithPsp(backend, limits);

    async function keyOf(plan?: string): Promise<string> {
      const { admin } = service();
      const tenant = await admin('POST', '/tenants', { name: `limits-${randomUUID()}` });
      const key = await admin('POST', '/keys', { tenant_id: tenant.body.id, ...(plan === undefined ? {} : { plan }) });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      return String(key.body.token);
    }

    function call(token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      return fetch(`${service().apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    }

    async function problemOf(response: Response): Promise<Record<string, unknown>> {
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      return (await response.json()) as Record<string, unknown>;
    }

    it('every limited answer says the plan and what is left; a list costs two tokens', async () => {
      const token = await keyOf('slow');
      const list = await call(token, 'GET', '/v1/products');
      assert.equal(list.status, 200);
      assert.equal(list.headers.get('ratelimit-policy'), '"slow";q=4;w=8', 'a burst of 4, refilled from empty in 8 s');
      assert.equal(list.headers.get('ratelimit'), '"slow";r=2;t=4', '2 left, full again in 4 s');
      const missing = await call(token, 'GET', '/v1/products/prod_01J00000000000000000000000');
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('ratelimit'), '"slow";r=1;t=6', 'errors carry them too');
      const unauthenticated = await fetch(`${service().apiUrl}/v1/products`);
      assert.equal(unauthenticated.status, 401);
      assert.equal(unauthenticated.headers.get('ratelimit'), null, 'limits are per key: none without one');
    });

    it('over the limit: 429 rate_limited with reason rate and Retry-After; a retry after it passes', async () => {
      const token = await keyOf();
      // Four fit at once; on a slow machine a token may come back meanwhile, so count to the first 429.
      let refused = await call(token, 'GET', '/v1/orders/ord_x');
      let admitted = 0;
      for (; refused.status === 404 && admitted < 20; admitted += 1)
        refused = await call(token, 'GET', '/v1/orders/ord_x');
      assert.ok(admitted >= 4, `the burst admits 4 at least, admitted ${admitted}`);
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.equal(retryAfter, 1, 'a token is back within 200 ms: one second, rounded up');
      assert.match(refused.headers.get('ratelimit') ?? '', /^"default";r=0;t=1$/);
      const problem = await problemOf(refused);
      assert.equal(problem.code, 'rate_limited');
      assert.equal(problem.reason, 'rate');
      assert.equal(problem.status, 429);
      // The behaviour under test is "waiting Retry-After is enough", so the test waits exactly that.
      await delay(retryAfter * 1_000);
      assert.equal((await call(token, 'GET', '/v1/orders/ord_x')).status, 404);
    });

    it('the limiter runs before idempotency: a 429 stores nothing, and the same key then executes', async () => {
      // The slow plan: no token comes back between the refusal that empties the bucket and the POST.
      const token = await keyOf('slow');
      const product = await call(token, 'POST', '/v1/products', {
        sku: `sku-${randomUUID()}`,
        name: 'Mug',
        unit_amount: 500,
        currency: 'EUR',
        stock: 10,
      });
      assert.equal(product.status, 201);
      const productId = String(((await product.json()) as Record<string, unknown>).id);
      for (let i = 0; i < 20 && (await call(token, 'GET', '/v1/orders/ord_x')).status !== 429; i += 1) {}
      const idempotencyKey = `order-${randomUUID()}`;
      const order = { lines: [{ product_id: productId, quantity: 1 }] };
      const refused = await call(token, 'POST', '/v1/orders', order, { 'idempotency-key': idempotencyKey });
      assert.equal(refused.status, 429);
      const { rows } = await service().database.db.query<{ n: number }>(
        testContext(),
        'SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1',
        [idempotencyKey],
      );
      assert.equal(rows[0]?.n, 0, 'nothing was stored under the Idempotency-Key');
      await delay(Number(refused.headers.get('retry-after')) * 1_000);
      const placed = await call(token, 'POST', '/v1/orders', order, { 'idempotency-key': idempotencyKey });
      assert.equal(placed.status, 201, await placed.clone().text());
      assert.equal(placed.headers.get('idempotent-replayed'), null, 'executed, not a replayed 429');
    });

    it('too many requests in flight: 429 with reason concurrency while a payment holds the slot', async () => {
      const { psp } = service();
      const token = await keyOf('tight');
      const product = await call(token, 'POST', '/v1/products', {
        sku: `sku-${randomUUID()}`,
        name: 'Mug',
        unit_amount: 500,
        currency: 'EUR',
        stock: 10,
      });
      const productId = String(((await product.json()) as Record<string, unknown>).id);
      const placed = await call(token, 'POST', '/v1/orders', { lines: [{ product_id: productId, quantity: 1 }] });
      const orderId = String(((await placed.json()) as Record<string, unknown>).id);
      await putFaults(psp, [{ kind: 'latency', probability: 1, ms: 1_500 }]);
      const before = requestsTo(await stats(psp), intents);
      try {
        const payment = call(
          token,
          'POST',
          `/v1/orders/${orderId}/payments`,
          { payment_method: 'pm_card_visa' },
          {
            'idempotency-key': `pay-${randomUUID()}`,
          },
        );
        // Once the provider has the call, the payment holds the key's one slot for 1.5 s.
        await waitFor(
          () => stats(psp),
          (now) => requestsTo(now, intents) > before,
          'the payment at the provider',
        );
        const refused = await call(token, 'GET', `/v1/orders/${orderId}`);
        assert.equal(refused.status, 429);
        assert.equal((await problemOf(refused)).reason, 'concurrency');
        assert.ok(Number(refused.headers.get('retry-after')) >= 1);
        assert.equal(refused.headers.get('ratelimit-policy'), '"tight";q=30;w=1');
        assert.equal((await payment).status, 201);
      } finally {
        await clearFaults(psp);
      }
      // The slot is released when the payment's response closes on the server, which may follow
      // the client's receipt by a moment: a bounded wait, not a sleep.
      await waitFor(
        async () => (await call(token, 'GET', `/v1/orders/${orderId}`)).status,
        (status) => status === 200,
        'the slot to be released',
      );
    });

    it('keys create with an unknown plan: 400 unknown_plan naming the known ones; no key is made', async () => {
      const { admin } = service();
      const tenant = await admin('POST', '/tenants', { name: `limits-${randomUUID()}` });
      const refused = await admin('POST', '/keys', { tenant_id: tenant.body.id, plan: 'platinum' });
      assert.equal(refused.status, 400);
      assert.equal(refused.body.code, 'unknown_plan');
      assert.match(String(refused.body.detail), /Known plans: default, tight, slow/);
      const keys = await admin('GET', `/keys?tenant_id=${String(tenant.body.id)}`);
      assert.deepEqual(keys.body.data, []);
    });

    it('decisions are counted on /metrics', async () => {
      const text = await (await fetch(`${service().adminUrl}/metrics`)).text();
      assert.match(text, /^rate_limit_decisions_total\{outcome="allowed",source="store"\} [1-9]/m);
      assert.match(text, /^rate_limit_decisions_total\{outcome="rate_limited",source="store"\} [1-9]/m);
      assert.match(text, /^rate_limit_decisions_total\{outcome="concurrency_limited",source="store"\} [1-9]/m);
    });
  });
}
