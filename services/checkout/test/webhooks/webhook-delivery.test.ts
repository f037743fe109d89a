// Webhook delivery end to end, on PGlite and PostgreSQL: events come from real API calls (the
// outbox), enqueueWebhookDeliveries runs as the event consumer will, and a delivery worker the
// test owns (its clock, resolver and policy injectable) POSTs to receivers the test runs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createContext } from '@keelson/kit/context';
import { createIdGenerator } from '@keelson/kit/ids';
import { createAddressGuard, type Resolve, verifyWebhookSignature } from '@keelson/kit/webhooks';
import pino from 'pino';
import { eventToWire, renderEvent } from '../../src/adapters/http/event.wire.ts';
import { createEventPgReader } from '../../src/adapters/postgres/event.pg-reader.ts';
import { createWebhookPgRepository } from '../../src/adapters/postgres/webhook.pg-repository.ts';
import { createWebhookDeliveryQueue } from '../../src/adapters/postgres/webhook-delivery.pg-queue.ts';
import { type DeliveryWorkerOptions, startDeliveryWorker } from '../../src/adapters/webhooks/delivery-worker.ts';
import { createSecretBox } from '../../src/adapters/webhooks/secret-box.ts';
import { webhookDispatcher } from '../../src/adapters/webhooks/webhook-dispatcher.ts';
import { enqueueWebhookDeliveries } from '../../src/app/webhooks/enqueue-webhook-deliveries.ts';
import { replayWebhookDeadLetter } from '../../src/app/webhooks/replay-webhook-dead-letter.ts';
import type { DeliveryPolicy, webhookEventTypes } from '../../src/domain/webhooks.ts';
import { backends } from '../support/databases.ts';
import { type TestTenant, useTestService } from '../support/service.ts';
import { startWebhookReceiver, waitFor } from '../support/webhook-receiver.ts';

const silent = pino({ level: 'silent' });
const ctx = () => createContext({ requestId: 'webhook-test', timeoutMs: 10_000, logger: silent });
const scope = () => ({ deadline: Date.now() + 10_000 });
const hourMs = 3_600_000;

type EnabledEvents = ('*' | (typeof webhookEventTypes)[number])[];

/** Fast retries for tests; the breaker out of the way unless a test sets it. */
const fastPolicy: DeliveryPolicy = {
  retryBaseMs: 20,
  retryMaxDelayMs: 100,
  retryHorizonMs: hourMs,
  breakerThreshold: 1_000,
  breakerOpenMs: 60_000,
};

for (const backend of backends()) {
  describe(`webhook delivery on ${backend.name}`, () => {
    const secretKey = randomBytes(32).toString('hex');
    const service = useTestService(backend, {
      // The service's own worker stays off: each test runs its own.
      KEELSON_WEBHOOKS_CONCURRENCY: '0',
      KEELSON_WEBHOOKS_ALLOW_HTTP: 'true',
      KEELSON_WEBHOOKS_ALLOWLIST: '127.0.0.1',
      KEELSON_WEBHOOKS_SECRET_KEY: secretKey,
    });
    const box = createSecretBox(secretKey);
    const newId = createIdGenerator();
    const parts = () => {
      const { db } = service().database;
      const webhooks = createWebhookPgRepository(db, newId, box);
      const clock = { now: () => new Date() };
      return {
        db,
        events: createEventPgReader(db),
        enqueue: enqueueWebhookDeliveries({
          webhooks,
          clock,
          webhookSettings: { renderEvent, checkWebhookUrl: () => undefined, secretOverlapMs: 0 },
        }),
        replay: replayWebhookDeadLetter({ webhooks, clock }),
        queue: createWebhookDeliveryQueue(db, newId, box),
      };
    };

    function worker(options: Partial<DeliveryWorkerOptions> = {}) {
      return startDeliveryWorker({
        queue: parts().queue,
        policy: fastPolicy,
        guard: createAddressGuard({ allowHttp: true, allowlist: ['127.0.0.1'] }),
        clock: { now: () => new Date() },
        concurrency: 8,
        perEndpoint: 2,
        pollMs: 20,
        timeoutMs: 5_000,
        logger: silent,
        ...options,
      });
    }

    async function endpoint(tenant: TestTenant, url: string, events: EnabledEvents = ['*']) {
      const created = await tenant.api.POST('/v1/webhook_endpoints', { body: { url, enabled_events: events } });
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      assert.ok(created.data);
      return created.data;
    }

    /** One product.created event per call, through the API; enqueued as the consumer will. */
    async function productEvent(tenant: TestTenant) {
      const created = await tenant.api.POST('/v1/products', {
        body: { sku: `s-${randomBytes(4).toString('hex')}`, name: 'Hook', unit_amount: 100, currency: 'EUR', stock: 1 },
      });
      assert.equal(created.response.status, 201);
      const page = await parts().events.list(ctx(), tenant.tenantId, { limit: 1, type: 'product.created' });
      const event = page.items[0];
      assert.ok(event);
      await parts().enqueue(ctx(), event);
      return event;
    }

    async function deliveries(tenant: TestTenant, endpointId: string) {
      const response = await fetch(`${service().apiUrl}/v1/webhook_endpoints/${endpointId}/deliveries?limit=100`, {
        headers: { authorization: `Bearer ${tenant.token}` },
      });
      const text = await response.text();
      assert.equal(response.status, 200, text);
      assert.ok(!text.includes('receiver-secret-body'), "the receiver's body is never shown");
      const list = JSON.parse(text) as {
        data: {
          id: string;
          status: string;
          attempts: number;
          recent_attempts: { status_code: number | null; error: string | null; duration_ms: number }[];
        }[];
      };
      return list.data;
    }

    const statusOf = async (tenant: TestTenant, endpointId: string) =>
      (await deliveries(tenant, endpointId)).map((d) => d.status);

    it('a receiver failing its first 3 attempts gets the event on the 4th, signed and verifiable', async () => {
      const tenant = await service().newTenant();
      const receiver = await startWebhookReceiver((n) => [500, 503, 429][n - 1] ?? 200);
      const hook = await endpoint(tenant, receiver.url, ['product.created']);
      const running = worker();
      try {
        const event = await productEvent(tenant);
        // The consumer may see the event again: nothing is enqueued twice.
        assert.equal(await parts().enqueue(ctx(), event), 0);
        await waitFor('the delivery to succeed', async () => (await statusOf(tenant, hook.id))[0] === 'succeeded');
        assert.equal(receiver.received.length, 4);
        const last = receiver.received[3];
        assert.ok(last);
        const header = String(last.headers['keelson-signature']);
        assert.equal(verifyWebhookSignature(hook.secret, header, last.body, 300), 'ok');
        assert.equal(verifyWebhookSignature('whsec_wrong', header, last.body, 300), 'mismatch');
        assert.equal(last.headers['keelson-event-id'], event.id);
        assert.equal(last.headers['content-type'], 'application/json');
        // Every attempt sent the same bytes: the envelope the events API shows.
        assert.deepEqual(new Set(receiver.received.map((r) => r.body)).size, 1);
        assert.deepEqual(JSON.parse(last.body), eventToWire(event));
        const [delivery] = await deliveries(tenant, hook.id);
        assert.ok(delivery);
        assert.equal(delivery.attempts, 4);
        assert.deepEqual(
          delivery.recent_attempts.map((a) => a.status_code),
          [500, 503, 429, 200],
        );
        assert.deepEqual(
          delivery.recent_attempts.map((a) => a.error),
          ['HTTP 500', 'HTTP 503', 'HTTP 429', null],
        );
      } finally {
        await running.stop(1_000);
        await receiver.close();
      }
    });

    it('the dispatcher turns a bus message into one delivery per subscribed endpoint, once', async () => {
      const tenant = await service().newTenant();
      const wanted = await endpoint(tenant, 'https://hooks.example.com/products', ['product.created']);
      const other = await endpoint(tenant, 'https://hooks.example.com/orders', ['order.paid']);
      const created = await tenant.api.POST('/v1/products', {
        body: { sku: 'bus-1', name: 'Bus', unit_amount: 100, currency: 'EUR', stock: 1 },
      });
      assert.equal(created.response.status, 201);
      const [stored] = (await parts().events.list(ctx(), tenant.tenantId, { limit: 1 })).items;
      assert.ok(stored);
      // As a transport delivers it: the kit's EventMessage, occurredAt as RFC 3339 text.
      const message = {
        id: stored.id,
        type: stored.type,
        tenantId: stored.tenantId,
        aggregateType: stored.aggregateType,
        aggregateId: stored.aggregateId,
        aggregateVersion: 1,
        occurredAt: new Date(stored.occurredAt).toISOString(),
        data: stored.data,
        headers: {},
      };
      const { handle } = webhookDispatcher(parts().enqueue, silent);
      await handle({ message, attempt: 1, signal: new AbortController().signal });
      await handle({ message, attempt: 2, signal: new AbortController().signal });
      assert.equal((await deliveries(tenant, wanted.id)).length, 1);
      assert.equal((await deliveries(tenant, other.id)).length, 0);
      const { rows } = await parts().db.query<{ body: string }>(
        scope(),
        'SELECT body FROM webhook_deliveries WHERE endpoint_id = $1',
        [wanted.id],
      );
      assert.deepEqual(JSON.parse(rows[0]?.body ?? '{}'), eventToWire(stored));
    });

    it('a receiver that stays down ends in dead_letters; replay delivers it, once', async () => {
      const tenant = await service().newTenant();
      const receiver = await startWebhookReceiver(() => 503);
      const hook = await endpoint(tenant, receiver.url);
      const running = worker({ policy: { ...fastPolicy, retryHorizonMs: 300 } });
      try {
        await productEvent(tenant);
        await waitFor('the delivery to die', async () => (await statusOf(tenant, hook.id))[0] === 'dead');
        const [delivery] = await deliveries(tenant, hook.id);
        assert.ok(delivery);
        const letters = await parts().db.query<{
          id: string;
          tenant_id: string;
          message_key: string;
          attempts: number;
          last_error: string;
          status: string;
        }>(scope(), `SELECT * FROM dead_letters WHERE source = 'webhook' AND name = $1`, [hook.id]);
        assert.equal(letters.rows.length, 1);
        const letter = letters.rows[0];
        assert.ok(letter);
        assert.equal(letter.message_key, delivery.id);
        assert.equal(letter.tenant_id, tenant.tenantId);
        assert.equal(letter.last_error, 'HTTP 503');
        assert.equal(letter.attempts, delivery.attempts);
        assert.ok(delivery.attempts >= 2, `retried before giving up (${delivery.attempts} attempts)`);
        const before = receiver.received.length;

        receiver.respondWith(() => 204);
        assert.deepEqual(await parts().replay(ctx(), { id: letter.id }), { kind: 'replayed', deliveryId: delivery.id });
        assert.deepEqual(await parts().replay(ctx(), { id: letter.id }), {
          kind: 'already_resolved',
          status: 'replayed',
        });
        await waitFor(
          'the replayed delivery to succeed',
          async () => (await statusOf(tenant, hook.id))[0] === 'succeeded',
        );
        assert.equal(receiver.received.length, before + 1, 'replay made one attempt');
        const last = receiver.received.at(-1);
        assert.ok(last);
        assert.equal(
          verifyWebhookSignature(hook.secret, String(last.headers['keelson-signature']), last.body, 300),
          'ok',
        );
        const after = await parts().db.query<{ status: string }>(
          scope(),
          'SELECT status FROM dead_letters WHERE id = $1',
          [letter.id],
        );
        assert.equal(after.rows[0]?.status, 'replayed');
        assert.deepEqual(await parts().replay(ctx(), { id: 'dl_01J00000000000000000000000' }), { kind: 'not_found' });
      } finally {
        await running.stop(1_000);
        await receiver.close();
      }
    });

    it('after rotation both secrets sign until the overlap ends, then only the new one (clock injected)', async () => {
      const tenant = await service().newTenant();
      const receiver = await startWebhookReceiver(() => 200);
      const hook = await endpoint(tenant, receiver.url);
      const rotated = await tenant.api.POST('/v1/webhook_endpoints/{id}/rotate_secret', {
        params: { path: { id: hook.id } },
      });
      assert.ok(rotated.data);
      const newSecret = rotated.data.secret;
      let offsetMs = 0;
      const now = () => new Date(Date.now() + offsetMs);
      const nowSeconds = () => Math.floor(now().getTime() / 1_000);
      const running = worker({ clock: { now } });
      try {
        await productEvent(tenant);
        await waitFor('the first delivery', () => receiver.received.length === 1);
        const during = receiver.received[0];
        assert.ok(during);
        const duringHeader = String(during.headers['keelson-signature']);
        assert.equal(duringHeader.match(/v1=/g)?.length, 2, 'two signatures during the overlap');
        assert.equal(verifyWebhookSignature(hook.secret, duringHeader, during.body, 300, nowSeconds()), 'ok');
        assert.equal(verifyWebhookSignature(newSecret, duringHeader, during.body, 300, nowSeconds()), 'ok');

        offsetMs = 25 * hourMs;
        await productEvent(tenant);
        await waitFor('the second delivery', () => receiver.received.length === 2);
        const afterwards = receiver.received[1];
        assert.ok(afterwards);
        const afterHeader = String(afterwards.headers['keelson-signature']);
        assert.equal(afterHeader.match(/v1=/g)?.length, 1, 'one signature after the overlap');
        assert.equal(verifyWebhookSignature(newSecret, afterHeader, afterwards.body, 300, nowSeconds()), 'ok');
        assert.equal(verifyWebhookSignature(hook.secret, afterHeader, afterwards.body, 300, nowSeconds()), 'mismatch');
      } finally {
        await running.stop(1_000);
        await receiver.close();
      }
    });

    it('checks the address at delivery: names resolving to private or unlisted loopback addresses are refused without a connection', async () => {
      const tenant = await service().newTenant();
      const receiver = await startWebhookReceiver(() => 200);
      const toPrivate = await endpoint(tenant, `http://private.hooks.test:${receiver.port}/hook`);
      const toLoopback2 = await endpoint(tenant, `http://loop2.hooks.test:${receiver.port}/hook`);
      const named = await endpoint(tenant, `http://listed.hooks.test:${receiver.port}/hook`);
      const resolve: Resolve = async (hostname) => {
        const answers: Record<string, string> = {
          'private.hooks.test': '10.0.0.7',
          'loop2.hooks.test': '127.0.0.2',
          'listed.hooks.test': '127.0.0.1',
        };
        return [{ address: answers[hostname] ?? '192.0.2.1', family: 4 }];
      };
      const running = worker({ resolve });
      try {
        await productEvent(tenant);
        await waitFor('the allow-listed delivery', async () => (await statusOf(tenant, named.id))[0] === 'succeeded');
        for (const refused of [toPrivate, toLoopback2]) {
          await waitFor(
            'a refused attempt',
            async () => ((await deliveries(tenant, refused.id))[0]?.attempts ?? 0) >= 1,
          );
          const [delivery] = await deliveries(tenant, refused.id);
          assert.match(
            delivery?.recent_attempts[0]?.error ?? '',
            /^refused: .*hooks\.test: address 1(0\.0\.0\.7|27\.0\.0\.2) is/,
          );
          assert.equal(delivery?.recent_attempts[0]?.status_code, null);
        }
        assert.equal(receiver.received.length, 1, 'only the allow-listed address was reached');
        assert.equal(receiver.connections(), 1);
      } finally {
        await running.stop(1_000);
        await receiver.close();
      }
    });

    it('reaches 127.0.0.1 only through the allow-list, and does not follow a redirect', async () => {
      const tenant = await service().newTenant();
      const redirecting = await startWebhookReceiver(() => 302);
      const hook = await endpoint(tenant, redirecting.url);
      const unlisted = worker({ guard: createAddressGuard({ allowHttp: true }) });
      try {
        await productEvent(tenant);
        await waitFor('a refused attempt', async () => ((await deliveries(tenant, hook.id))[0]?.attempts ?? 0) >= 1);
      } finally {
        await unlisted.stop(1_000);
      }
      const [refused] = await deliveries(tenant, hook.id);
      assert.match(refused?.recent_attempts[0]?.error ?? '', /^refused: address 127\.0\.0\.1 is loopback/);
      assert.equal(redirecting.connections(), 0);
      const listed = worker();
      try {
        await waitFor('an attempt through the allow-list', () => redirecting.received.length >= 1);
        await waitFor('its result', async () =>
          ((await deliveries(tenant, hook.id))[0]?.recent_attempts ?? []).some((a) => a.status_code === 302),
        );
      } finally {
        await listed.stop(1_000);
        await redirecting.close();
      }
      const [delivery] = await deliveries(tenant, hook.id);
      assert.equal(delivery?.status, 'pending', 'a 3xx is a failure, retried');
      assert.ok(
        redirecting.received.every((r) => r.path === '/hook'),
        'the Location (elsewhere) was never requested',
      );
    });

    it("a hanging endpoint holds at most its own slots: another endpoint's deliveries go through; a failing one's circuit opens", async () => {
      const tenant = await service().newTenant();
      const hanging = await startWebhookReceiver(() => 'hang');
      const healthy = await startWebhookReceiver(() => 200);
      const down = await startWebhookReceiver(() => 500);
      const stuck = await endpoint(tenant, hanging.url);
      const fine = await endpoint(tenant, healthy.url);
      const failing = await endpoint(tenant, down.url);
      const running = worker({
        concurrency: 6,
        perEndpoint: 2,
        timeoutMs: 120_000,
        policy: { ...fastPolicy, retryBaseMs: 10, retryMaxDelayMs: 10, breakerThreshold: 3 },
      });
      try {
        for (let i = 0; i < 5; i += 1) await productEvent(tenant);
        await waitFor('the healthy endpoint to get all five', async () =>
          (await statusOf(tenant, fine.id)).every((s) => s === 'succeeded'),
        );
        assert.equal(healthy.received.length, 5);
        // The hanging receiver holds only its endpoint's two slots; its other deliveries wait.
        assert.equal(hanging.hanging(), 2);
        assert.equal(hanging.received.length, 2);
        const stuckStatuses = await statusOf(tenant, stuck.id);
        assert.deepEqual(stuckStatuses, ['pending', 'pending', 'pending', 'pending', 'pending']);

        await waitFor('the failing endpoint circuit to open', async () => {
          const { rows } = await parts().db.query<{ circuit_open_until: Date | null }>(
            scope(),
            'SELECT circuit_open_until FROM webhook_endpoints WHERE id = $1',
            [failing.id],
          );
          return rows[0]?.circuit_open_until != null;
        });
        const attemptsAtOpen = down.received.length;
        // While open, its deliveries are not tried, though they are due: a new event for the
        // healthy endpoint goes through and the failing receiver sees nothing more.
        await productEvent(tenant);
        await waitFor('the sixth healthy delivery', () => healthy.received.length === 6);
        assert.equal(down.received.length, attemptsAtOpen);
        assert.ok(attemptsAtOpen >= 3 && attemptsAtOpen <= 4, `${attemptsAtOpen} attempts opened the circuit`);
      } finally {
        await running.stop(500);
        await hanging.close();
        await healthy.close();
        await down.close();
      }
    });
  });
}
