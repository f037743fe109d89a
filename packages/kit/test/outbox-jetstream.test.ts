import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { createJetStreamBus, type EventBus, type EventMessage } from '../src/events/index.ts';
import { createOutboxRelay, type OutboxRelay } from '../src/outbox/index.ts';
import { eventually, insertEvents, outboxSetupSql, unpublishedCount } from './support/outbox-fixtures.ts';
import { testEngines } from './support/test-databases.ts';

// Issue 8 §6, three relays at once on one PostgreSQL database and the real NATS JetStream: each
// relay on a JetStream connection of its own (as three worker processes would be), one of them
// "frozen" for a batch past its lease (a GC pause, a stopped VM) so that another relay takes the
// rows over and both publish them. The stream must hold every row exactly once (JetStream's
// de-duplication by Nats-Msg-Id absorbs the second publish), and a durable consumer must see each
// aggregate's events in version order. The outbox-relay test runs the same race on a recording
// bus, on both engines; this one is about the broker.

const natsUrl = process.env.KEELSON_TEST_NATS_URL || undefined;
const postgres = testEngines().find((engine) => engine.name === 'postgres');
if (natsUrl === undefined && process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
  throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_NATS_URL is not set');
}
const skip =
  postgres === undefined
    ? 'KEELSON_TEST_DATABASE_URL is not set'
    : natsUrl === undefined
      ? 'KEELSON_TEST_NATS_URL is not set'
      : false;
const logger = pino({ level: 'silent' });
const leaseMs = 2_000;

/** A bus that counts what it is asked to publish; `freezeOnce` stalls one batch past the lease, deaf to its signal. */
function countingBus(inner: EventBus, freezeOnce: boolean) {
  let frozen = !freezeOnce;
  const counts = { messages: 0, frozenBatch: 0 };
  const bus: EventBus = {
    name: inner.name,
    async publish(messages, signal) {
      counts.messages += messages.length;
      if (!frozen) {
        frozen = true;
        counts.frozenBatch = messages.length;
        // The relay's own abort fires 1 s before the lease ends; a frozen process does not see it.
        await new Promise((resolve) => setTimeout(resolve, leaseMs + 1_500));
        return inner.publish(messages, AbortSignal.timeout(10_000));
      }
      return inner.publish(messages, signal);
    },
    subscribe: (options, handler) => inner.subscribe(options, handler),
    close: () => inner.close(),
  };
  return { bus, counts };
}

describe('three outbox relays on PostgreSQL and the real JetStream', { skip, timeout: 120_000 }, () => {
  it('store every row once in the stream and keep each aggregate in version order at the consumer', async (t) => {
    const owned = await (postgres ?? assert.fail('no postgres')).create(outboxSetupSql);
    t.after(() => owned.dispose());
    const ns = `relay${randomBytes(4).toString('hex')}`;
    const stream = ns.toUpperCase();
    const open = () =>
      createJetStreamBus({ url: natsUrl ?? '', stream, subjectPrefix: ns, fetchWaitMs: 1_000, reconnectWaitMs: 200 });
    const buses: EventBus[] = [];
    t.after(async () => {
      for (const bus of buses) await bus.close();
      const nc = await connect({ servers: natsUrl ?? '' });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
      await nc.close();
    });

    // The consumer records each aggregate's versions in the order its handler is entered.
    const consumerBus = await open();
    buses.push(consumerBus);
    const seen = new Map<string, number[]>();
    let deliveries = 0;
    const subscription = await consumerBus.subscribe(
      {
        consumer: 'order-check',
        types: '*',
        concurrency: 8,
        maxDeliveries: 5,
        backoffMs: () => 100,
        onDeadLetter: async (_delivery, error) => assert.fail(`dead-lettered: ${String(error)}`),
      },
      async ({ message }: { message: EventMessage }) => {
        deliveries += 1;
        seen.set(message.aggregateId, [...(seen.get(message.aggregateId) ?? []), message.aggregateVersion]);
      },
    );

    const aggregates = Array.from({ length: 24 }, (_, i) => `agg_js_${i}`);
    const versions = 12;
    const before = await Promise.all(aggregates.map((a) => insertEvents(owned.db, a, 1, versions / 2)));
    const counted: { messages: number; frozenBatch: number }[] = [];
    const relays: OutboxRelay[] = [];
    for (let i = 0; i < 3; i += 1) {
      const bus = await open();
      buses.push(bus);
      const counting = countingBus(bus, i === 0);
      counted.push(counting.counts);
      const relay = createOutboxRelay({
        db: owned.db,
        bus: counting.bus,
        logger,
        batchSize: 7,
        pollIntervalMs: 50,
        leaseMs,
      });
      relays.push(relay);
      await relay.start();
    }
    // The other half is written while the relays run (each version in its own transaction).
    const during = await Promise.all(aggregates.map((a) => insertEvents(owned.db, a, versions / 2 + 1, versions)));
    const rows = before.flat().length + during.flat().length;
    await eventually('every row published', async () => (await unpublishedCount(owned.db)) === 0, 60_000);
    // The frozen relay's late publish goes out after its rows were taken over: wait for it too.
    await eventually('the frozen batch was published', () => (counted[0]?.frozenBatch ?? 0) > 0, 30_000);
    await Promise.all(relays.map((relay) => relay.stop(10_000)));
    await eventually('every row consumed', () => [...seen.values()].flat().length >= rows, 30_000);
    await subscription.stop(2_000);

    const nc = await connect({ servers: natsUrl ?? '' });
    const stored = (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
    await nc.close();
    const asked = counted.reduce((sum, c) => sum + c.messages, 0);
    console.log(
      `[three relays] ${rows} rows; relays asked JetStream to publish ${asked} messages ` +
        `(${counted.map((c) => c.messages).join(' + ')}; ${counted[0]?.frozenBatch} in the frozen batch); ` +
        `stream holds ${stored}; consumer got ${deliveries} deliveries`,
    );
    assert.ok(asked > rows, 'the frozen relay and its successor both published the taken-over rows');
    assert.equal(stored, rows, 'the stream holds each row once: the second publish was de-duplicated');
    assert.equal(deliveries, rows, 'the consumer got each event once');
    const expected = Array.from({ length: versions }, (_, i) => i + 1);
    for (const aggregate of aggregates) {
      assert.deepEqual(seen.get(aggregate), expected, `${aggregate} in version order at the consumer`);
    }
  });
});
