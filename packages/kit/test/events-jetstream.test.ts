import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect, nanos } from '@nats-io/transport-node';
import { createJetStreamBus } from '../src/events/index.ts';
import { eventBusContract } from './support/event-bus-contract.ts';
import { eventually, recorder, testEvent, uniqueNamespace } from './support/event-bus-recorder.ts';

// The EventBus contract against the real NATS JetStream server (KEELSON_TEST_NATS_URL). Each
// test gets its own stream `<NS>` on subjects `<ns>.>`, deleted afterwards.

const url = process.env.KEELSON_TEST_NATS_URL || undefined;
if (url === undefined && process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
  throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_NATS_URL is not set');
}

eventBusContract({
  transport: 'jetstream',
  skip: url === undefined ? 'KEELSON_TEST_NATS_URL is not set' : false,
  publishDeduplication: true,
  durableQueue: 'broker',
  brokerUrl: url,
  open: (ns, via) =>
    createJetStreamBus({
      url: via ?? url ?? '',
      stream: ns.toUpperCase(),
      subjectPrefix: ns,
      // Short waits so a test sees a stop or a reconnection quickly; production keeps the defaults.
      fetchWaitMs: 1_000,
      reconnectWaitMs: 200,
    }),
  async destroy(ns) {
    const nc = await connect({ servers: url ?? '' });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(ns.toUpperCase()).catch(() => false);
    } finally {
      await nc.close();
    }
  },
});

describe('JetStream specifics', { skip: url === undefined ? 'KEELSON_TEST_NATS_URL is not set' : false }, () => {
  it('creates the stream (file storage, <prefix>.>, the de-dup window), updates it on the next start, and stores Nats-Msg-Id = event id with the headers', async () => {
    const ns = uniqueNamespace();
    const stream = ns.toUpperCase();
    const nc = await connect({ servers: url ?? '' });
    const jsm = await jetstreamManager(nc);
    try {
      const first = await createJetStreamBus({ url: url ?? '', stream, subjectPrefix: ns });
      const created = await jsm.streams.info(stream);
      assert.deepEqual(created.config.subjects, [`${ns}.>`]);
      assert.equal(created.config.storage, StorageType.File);
      assert.equal(created.config.duplicate_window, nanos(120_000), 'the default window is 2 min');
      const message = testEvent({ type: 'order.cancelled', headers: { 'x-request-id': 'req_9' } });
      await first.publish([message], AbortSignal.timeout(10_000));
      await first.close();
      const stored = await jsm.streams.getMessage(stream, { seq: 1 });
      assert.equal(stored?.subject, `${ns}.order.cancelled`);
      assert.equal(stored?.header.get('Nats-Msg-Id'), message.id);
      assert.equal(stored?.header.get('x-request-id'), 'req_9');

      const second = await createJetStreamBus({ url: url ?? '', stream, subjectPrefix: ns, duplicateWindowMs: 30_000 });
      await second.close();
      const updated = await jsm.streams.info(stream);
      assert.equal(updated.config.duplicate_window, nanos(30_000));
      assert.equal(updated.state.messages, 1, 'an update keeps what the stream holds');
    } finally {
      await jsm.streams.delete(stream).catch(() => false);
      await nc.close();
    }
  });
});

it('a durable consumer whose types changed is updated in place on the next subscribe', async () => {
  const ns = uniqueNamespace();
  const stream = ns.toUpperCase();
  const bus = await createJetStreamBus({ url: url ?? '', stream, subjectPrefix: ns, fetchWaitMs: 1_000 });
  try {
    const paid = recorder('typed');
    const first = await bus.subscribe(paid.options({ types: ['order.paid'] }), paid.handler);
    await first.stop(1_000);
    const cancelled = recorder('typed');
    const second = await bus.subscribe(cancelled.options({ types: ['order.cancelled'] }), cancelled.handler);
    const messages = [testEvent({ type: 'order.paid' }), testEvent({ type: 'order.cancelled' })];
    await bus.publish(messages, AbortSignal.timeout(10_000));
    await eventually(() => cancelled.deliveries.length === 1, 'the cancelled event');
    const marker = testEvent({ type: 'order.cancelled' });
    await bus.publish([marker], AbortSignal.timeout(10_000));
    await eventually(() => cancelled.ids().has(marker.id), 'the marker');
    assert.deepEqual(
      cancelled.deliveries.map(({ delivery }) => delivery.message.type),
      ['order.cancelled', 'order.cancelled'],
    );
    await second.stop(1_000);
  } finally {
    await bus.close();
    const nc = await connect({ servers: url ?? '' });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
    await nc.close();
  }
});
