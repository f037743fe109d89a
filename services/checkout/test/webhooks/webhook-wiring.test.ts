// The composition's own delivery worker (build → composition/webhooks.ts, role all) delivers
// with the configured guard and secret key; the allow-list is validated at start-up.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@keelson/kit/config';
import { createContext } from '@keelson/kit/context';
import { createIdGenerator } from '@keelson/kit/ids';
import { verifyWebhookSignature } from '@keelson/kit/webhooks';
import pino from 'pino';
import { renderEvent } from '../../src/adapters/http/event.wire.ts';
import { createEventPgReader } from '../../src/adapters/postgres/event.pg-reader.ts';
import { createWebhookPgRepository } from '../../src/adapters/postgres/webhook.pg-repository.ts';
import { createSecretBox } from '../../src/adapters/webhooks/secret-box.ts';
import { webhookDispatcher } from '../../src/adapters/webhooks/webhook-dispatcher.ts';
import { enqueueWebhookDeliveries } from '../../src/app/webhooks/enqueue-webhook-deliveries.ts';
import { configSpec } from '../../src/config.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';
import { startWebhookReceiver, waitFor } from '../support/webhook-receiver.ts';

const silent = pino({ level: 'silent' });

describe('webhook configuration', () => {
  it('refuses an allow-list entry that is not an address or CIDR, naming the variable', () => {
    assert.throws(
      () => loadConfig(configSpec, { env: { KEELSON_WEBHOOKS_ALLOWLIST: '127.0.0.1, not-an-ip' } }),
      (error: unknown) => error instanceof ConfigError && /KEELSON_WEBHOOKS_ALLOWLIST.*not-an-ip/.test(error.message),
    );
    const config = loadConfig(configSpec, { env: { KEELSON_WEBHOOKS_ALLOWLIST: ' 127.0.0.1 ,10.0.0.0/8,' } });
    assert.deepEqual(config.webhooksAllowlist, ['127.0.0.1', '10.0.0.0/8']);
    assert.equal(config.webhooksAllowHttp, false);
    assert.equal(config.webhooksRetryHorizonHours, 72);
    assert.equal(config.webhooksSecretOverlapHours, 24);
  });
});

for (const backend of backends()) {
  describe(`the service's own delivery worker on ${backend.name}`, () => {
    const secretKey = randomBytes(32).toString('hex');
    const service = useTestService(
      backend,
      {
        KEELSON_WEBHOOKS_ALLOW_HTTP: 'true',
        KEELSON_WEBHOOKS_ALLOWLIST: '127.0.0.1',
        KEELSON_WEBHOOKS_SECRET_KEY: secretKey,
      },
      // The delivery worker runs in the worker and all roles.
      'all',
    );

    it('delivers an enqueued event, signed with the endpoint secret', async () => {
      const receiver = await startWebhookReceiver(() => 200);
      try {
        const tenant = await service().newTenant();
        const hook = await tenant.api.POST('/v1/webhook_endpoints', {
          body: { url: receiver.url, enabled_events: ['product.created'] },
        });
        assert.ok(hook.data, JSON.stringify(hook.error));
        const product = await tenant.api.POST('/v1/products', {
          body: { sku: 'wired', name: 'Wired', unit_amount: 100, currency: 'EUR', stock: 1 },
        });
        assert.equal(product.response.status, 201);
        // As the event consumer will (connected at merge): the bus hands the event to the dispatcher.
        const { db } = service().database;
        const ctx = createContext({ requestId: 'wiring', timeoutMs: 10_000, logger: silent });
        const [event] = (await createEventPgReader(db).list(ctx, tenant.tenantId, { limit: 1 })).items;
        assert.ok(event);
        const enqueue = enqueueWebhookDeliveries({
          webhooks: createWebhookPgRepository(db, createIdGenerator(), createSecretBox(secretKey)),
          clock: { now: () => new Date() },
          webhookSettings: { renderEvent, checkWebhookUrl: () => undefined, secretOverlapMs: 0 },
        });
        const message = {
          ...event,
          aggregateVersion: 1,
          occurredAt: new Date(event.occurredAt).toISOString(),
          headers: {},
        };
        await webhookDispatcher(enqueue, silent).handle({ message, attempt: 1, signal: new AbortController().signal });
        await waitFor('the service to deliver', () => receiver.received.length === 1);
        const [got] = receiver.received;
        assert.ok(got);
        assert.equal(
          verifyWebhookSignature(hook.data.secret, String(got.headers['keelson-signature']), got.body, 300),
          'ok',
        );
        assert.equal(JSON.parse(got.body).id, event.id);
      } finally {
        await receiver.close();
      }
    });
  });
}
