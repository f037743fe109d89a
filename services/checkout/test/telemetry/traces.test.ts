// Traces (issue 10 §1) through a real OTLP/HTTP receiver in the test process: a payment request
// under a caller's traceparent, the SQL it runs, the relay's publish, the consumers and the
// webhook POST to a subscribed endpoint are one trace; span names are route templates and
// statement kinds; no secret or card data leaves. Across JetStream and RabbitMQ too, when configured.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { newKey, orderToPay } from '../api/payment-fixtures.ts';
import { brokerTargets, serviceConsumers } from '../support/brokers.ts';
import { backends, serverBackend } from '../support/databases.ts';
import { type ReceivedAttribute, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { useTestService } from '../support/service.ts';
import { startWebhookReceiver } from '../support/webhook-receiver.ts';

async function eventually<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An attribute's value as OTLP JSON carries it (`{ stringValue }`, `{ intValue }`…). */
function attribute(span: { readonly attributes?: readonly ReceivedAttribute[] } | undefined, key: string): unknown {
  const value = span?.attributes?.find((a) => a.key === key)?.value;
  if (value === undefined) return undefined;
  const [first] = Object.values(value);
  // OTLP JSON writes 64-bit integers as numbers or strings, depending on the encoder.
  return 'intValue' in value ? Number(first) : first;
}

// The in-process bus on PGlite always; across each real broker (the traceparent in the message
// headers) over PostgreSQL when both are configured.
const embedded = backends().find((b) => b.name === 'pglite');
const postgres = serverBackend();
const runs = [
  ...(embedded === undefined ? [] : [{ name: 'the in-process bus on pglite', backend: embedded, broker: undefined }]),
  ...(postgres === undefined
    ? []
    : brokerTargets()
        .filter((target) => target.skip === false)
        .map((broker) => ({ name: `${broker.name} on postgres`, backend: postgres, broker }))),
];

for (const run of runs) {
  describe(`traces over OTLP: ${run.name}`, async () => {
    const receiver = await startOtlpReceiver();
    after(() => receiver.close());
    const prepared = run.broker?.prepare();
    const service = useTestService(
      run.backend,
      {
        KEELSON_OTLP_ENDPOINT: receiver.url,
        KEELSON_FULFILLMENT_DELAY_MS: '10',
        KEELSON_WEBHOOKS_ALLOW_HTTP: 'true',
        KEELSON_WEBHOOKS_ALLOWLIST: '127.0.0.1',
        KEELSON_WEBHOOKS_SECRET_KEY: randomBytes(32).toString('hex'),
        ...prepared?.env,
      },
      'all',
    );
    if (run.broker !== undefined && prepared !== undefined) {
      const { broker } = run;
      after(() => broker.cleanup(prepared.prefix, serviceConsumers));
    }

    it('request → SQL → relay → consumer → webhook POST is one trace under the caller, with no secret in it', async () => {
      const { api, token } = await service().newTenant();
      const hooks = await startWebhookReceiver(() => 200);
      after(() => hooks.close());
      // A receiver's URL may carry its own token: only the host may appear in a span.
      const hookToken = `tok_${randomBytes(12).toString('hex')}`;
      const hook = await api.POST('/v1/webhook_endpoints', {
        body: { url: `${hooks.url}/${hookToken}`, enabled_events: ['order.paid'] },
      });
      assert.ok(hook.data, JSON.stringify(hook.error));
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
      const spans = await eventually('the webhook POST span', inTrace, (all) =>
        all.some((span) => span.name === 'POST webhook'),
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

      const post = named('POST webhook');
      assert.equal(post.kind, 3, 'CLIENT');
      const dispatcher = spans.find((span) => span.spanId === post.parentSpanId);
      assert.equal(dispatcher?.name, 'process order.paid', 'the POST continues the consumer that enqueued it');
      assert.equal(attribute(dispatcher, 'messaging.consumer.group.name'), 'webhooks');
      assert.equal(dispatcher?.parentSpanId, server.spanId);
      assert.equal(attribute(post, 'http.response.status_code'), 200);
      assert.equal(attribute(post, 'server.address'), '127.0.0.1');

      // Flag evaluations are events on the span of the work that asked (issue 10 §6).
      const flagEvent = (span: ReceivedSpan | undefined, key: string) =>
        span?.events?.find((e) => e.name === 'feature_flag.evaluation' && attribute(e, 'feature_flag.key') === key);
      const delivery = flagEvent(dispatcher, 'webhook-delivery');
      assert.ok(
        delivery,
        `the dispatcher span records the webhook-delivery flag: ${JSON.stringify(dispatcher?.events)}`,
      );
      assert.equal(attribute(delivery, 'feature_flag.result.value'), true);
      assert.equal(attribute(delivery, 'feature_flag.result.reason'), 'default', 'no flag file: the fallback');
      const pricing = receiver.spans
        .filter((span) => span.name === 'POST /v1/orders')
        .map((span) => flagEvent(span, 'order-volume-pricing'))
        .find((event) => event !== undefined);
      assert.ok(pricing, 'placing the order recorded the pricing flag on its server span');
      assert.equal(attribute(pricing, 'feature_flag.result.value'), false);
      assert.equal(attribute(pricing, 'feature_flag.provider.name'), 'fallback');

      const signature = String(hooks.received[0]?.headers['keelson-signature']);

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
        hook.data.secret,
        hookToken,
        signature,
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
