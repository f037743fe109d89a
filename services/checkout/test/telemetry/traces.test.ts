// Traces (issue 10 §1) through a real OTLP/HTTP receiver in the test process: a payment request
// under a caller's traceparent, the SQL it runs, the relay's publish and the fulfillment consumer
// are one trace; span names are route templates and statement kinds; no secret or card data leaves.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { newKey, orderToPay } from '../api/payment-fixtures.ts';
import { backends } from '../support/databases.ts';
import { type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { useTestService } from '../support/service.ts';

async function eventually<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const embedded = backends().filter((b) => b.name === 'pglite');

for (const backend of embedded) {
  describe(`traces over OTLP on ${backend.name}`, async () => {
    const receiver = await startOtlpReceiver();
    after(() => receiver.close());
    const service = useTestService(
      backend,
      { KEELSON_OTLP_ENDPOINT: receiver.url, KEELSON_FULFILLMENT_DELAY_MS: '10' },
      'all',
    );

    it('request → SQL → relay → consumer is one trace under the caller, with no secret in it', async () => {
      const { api, token } = await service().newTenant();
      const order = await orderToPay(api);
      const traceId = randomBytes(16).toString('hex');
      const callerSpan = randomBytes(8).toString('hex');
      const key = newKey('traced');
      const paid = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': key } },
        body: { payment_method: 'pm_card_visa' },
        headers: { traceparent: `00-${traceId}-${callerSpan}-01` },
      });
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));

      const inTrace = () => receiver.spans.filter((span) => span.traceId === traceId);
      const spans = await eventually('the consumer span', inTrace, (all) =>
        all.some((span) => span.name === 'process order.paid'),
      );
      const named = (name: string): ReceivedSpan =>
        spans.find((span) => span.name === name) ?? assert.fail(`no span ${name} in ${spans.map((s) => s.name)}`);

      const server = named('POST /v1/orders/:id/payments');
      assert.equal(server.parentSpanId, callerSpan, 'the server span is the caller span’s child');
      assert.equal(server.kind, 2, 'SERVER');
      const children = spans.filter((span) => span.parentSpanId === server.spanId).map((span) => span.name);
      assert.ok(children.includes('transaction'), `SQL under the request: ${children}`);
      assert.ok(
        spans.some((span) => /^(INSERT|UPDATE|SELECT) (payments|orders|outbox)$/.test(span.name)),
        `statement spans are named by kind and table: ${spans.map((s) => s.name)}`,
      );
      const consumer = named('process order.paid');
      assert.equal(consumer.parentSpanId, server.spanId, 'the consumer continues the request that wrote the event');
      assert.equal(consumer.kind, 5, 'CONSUMER');

      const publish = await eventually(
        'the relay span linking the trace',
        () =>
          receiver.spans.find(
            (span) => span.name.startsWith('publish') && span.links?.some((l) => l.traceId === traceId),
          ),
        (span) => span !== undefined,
      );
      assert.equal(publish?.kind, 4, 'PRODUCER');

      const everything = receiver.bodies.join('\n');
      for (const secret of [
        token,
        'pm_card_visa',
        service().adminToken,
        order.id.length > 0 ? 'Idempotency-Key' : '',
      ]) {
        assert.ok(!everything.includes(secret), `the exported spans never contain ${secret.slice(0, 8)}…`);
      }
      assert.doesNotMatch(everything, new RegExp(`/v1/orders/${order.id}`), 'routes are templates, not raw paths');
    });
  });
}
