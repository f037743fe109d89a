// Webhooks fed by the event flow, end to end through the public API: a change commits its event
// to the outbox, the relay publishes it, the dispatcher consumer enqueues a delivery for each
// subscribed endpoint, the delivery worker posts it signed. No step is driven by the test. Runs
// on the in-process bus over both backends, and on JetStream over PostgreSQL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { verifyWebhookSignature } from '@keelson/kit/webhooks';
import { newKey, orderToPay } from '../api/payment-fixtures.ts';
import { brokerTargets, serviceConsumers } from '../support/brokers.ts';
import { backends, serverBackend } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';
import { startWebhookReceiver, waitFor } from '../support/webhook-receiver.ts';

const webhookEnv = {
  KEELSON_WEBHOOKS_ALLOW_HTTP: 'true',
  KEELSON_WEBHOOKS_ALLOWLIST: '127.0.0.1',
  KEELSON_WEBHOOKS_SECRET_KEY: randomBytes(32).toString('hex'),
  KEELSON_FULFILLMENT_DELAY_MS: '10',
};

const jetstream = brokerTargets().find((target) => target.name === 'jetstream');
const postgres = serverBackend();
const runs = [
  ...backends().map((backend) => ({ name: `in-process bus on ${backend.name}`, backend, broker: undefined })),
  ...(postgres !== undefined && jetstream !== undefined && jetstream.skip === false
    ? [{ name: 'JetStream on postgres', backend: postgres, broker: jetstream }]
    : []),
];

for (const run of runs) {
  describe(`webhooks through the event flow: ${run.name}`, () => {
    const prepared = run.broker?.prepare();
    const service = useTestService(run.backend, { ...webhookEnv, ...prepared?.env }, 'all');
    if (run.broker !== undefined && prepared !== undefined) {
      const { broker } = run;
      after(() => broker.cleanup(prepared.prefix, serviceConsumers));
    }

    it('pays an order; the endpoint receives order.paid then order.fulfilled, signed, once each', async () => {
      const receiver = await startWebhookReceiver(() => 200);
      after(() => receiver.close());
      const { api } = await service().newTenant();
      const hook = await api.POST('/v1/webhook_endpoints', {
        body: { url: receiver.url, enabled_events: ['order.paid', 'order.fulfilled'] },
      });
      assert.ok(hook.data, JSON.stringify(hook.error));
      const order = await orderToPay(api);
      const paid = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': newKey('hook') } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));

      await waitFor('order.paid and order.fulfilled at the receiver', () => receiver.received.length >= 2);
      const bodies = receiver.received.map(
        (request) => JSON.parse(request.body.toString()) as { type: string; data: { object: { id: string } } },
      );
      assert.deepEqual(bodies.map((body) => body.type).sort(), ['order.fulfilled', 'order.paid']);
      for (const [index, request] of receiver.received.entries()) {
        assert.equal(bodies[index]?.data.object.id, order.id);
        const signature = String(request.headers['keelson-signature']);
        assert.equal(verifyWebhookSignature(hook.data.secret, signature, request.body, 300), 'ok');
      }
      const deliveries = await api.GET('/v1/webhook_endpoints/{id}/deliveries', {
        params: { path: { id: hook.data.id } },
      });
      assert.equal(deliveries.data?.data.length, 2, 'one delivery per event');
      // What the webhook-delivery SLO reads (deploy/slo/slos.ts); an attempt is counted once recorded,
      // just after the receiver answered.
      const scrape = async () => (await fetch(`${service().adminUrl}/metrics`)).text();
      await waitFor('both deliveries counted', async () =>
        /^webhook_deliveries_total\{outcome="delivered"\} 2$/m.test(await scrape()),
      );
      assert.match(await scrape(), /^webhook_deliveries_total\{outcome="dead_lettered"\} 0$/m);
    });
  });
}
