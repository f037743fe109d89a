import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import amqp from 'amqplib';
import { createAmqpBus, type EventBus } from '../src/events/index.ts';
import { eventBusContract } from './support/event-bus-contract.ts';
import { eventually, recorder, testEvent, uniqueNamespace } from './support/event-bus-recorder.ts';

// The EventBus contract against the real RabbitMQ server (KEELSON_TEST_AMQP_URL). Each test gets
// its own exchange `<ns>` (routing keys `<ns>.<type>`) and queues `<ns>.<consumer>[.retry|.dead]`,
// deleted afterwards. RabbitMQ does not de-duplicate publishes, and the suite says so.

const url = process.env.KEELSON_TEST_AMQP_URL || undefined;
if (url === undefined && process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
  throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_AMQP_URL is not set');
}

/** Deletes the exchanges and queues a bus on namespace `ns` declared for `consumerNames`. */
async function deleteNamespace(channel: amqp.Channel, ns: string, consumerNames: readonly string[]): Promise<void> {
  for (const consumer of consumerNames) {
    for (const suffix of ['', '.retry', '.dead']) await channel.deleteQueue(`${ns}.${consumer}${suffix}`);
  }
  await channel.deleteQueue(`${ns}.unrouted`);
  for (const suffix of ['', '.dead-letter', '.unrouted']) await channel.deleteExchange(`${ns}${suffix}`);
}

/** Consumer names each namespace subscribed, so `destroy` knows the queues to delete. */
const consumers = new Map<string, Set<string>>();

eventBusContract({
  transport: 'amqp',
  skip: url === undefined ? 'KEELSON_TEST_AMQP_URL is not set' : false,
  publishDeduplication: false,
  durableQueue: 'broker',
  brokerUrl: url,
  async open(ns, via) {
    const bus = await createAmqpBus({
      url: via ?? url ?? '',
      exchange: ns,
      routingPrefix: ns,
      // Quick reconnection so a test sees it within its bounds; production keeps the defaults.
      reconnect: { initialMs: 50, maxMs: 500 },
    });
    const names = consumers.get(ns) ?? new Set<string>();
    consumers.set(ns, names);
    const recording: EventBus = {
      name: bus.name,
      publish: (messages, signal) => bus.publish(messages, signal),
      subscribe(options, handler) {
        names.add(options.consumer);
        return bus.subscribe(options, handler);
      },
      close: () => bus.close(),
    };
    return recording;
  },
  async destroy(ns) {
    const connection = await amqp.connect(url ?? '');
    try {
      const channel = await connection.createChannel();
      await deleteNamespace(channel, ns, [...(consumers.get(ns) ?? [])]);
      consumers.delete(ns);
    } finally {
      await connection.close();
    }
  },
});

describe('RabbitMQ specifics', { skip: url === undefined ? 'KEELSON_TEST_AMQP_URL is not set' : false }, () => {
  it('publishes persistent messages with message_id = event id on <prefix>.<type>; a handler that keeps crashing its process is dead-lettered by the broker', async () => {
    const ns = uniqueNamespace();
    const connection = await amqp.connect(url ?? '');
    const channel = await connection.createChannel();
    try {
      const bus = await createAmqpBus({ url: url ?? '', exchange: ns, routingPrefix: ns });
      // A handler that never returns, and a process that dies under it: each stop(0) hands the
      // message back unacknowledged, as a crash would. onDeadLetter never gets a chance.
      const crashing = recorder('crashing', (delivery) => new Promise(() => void delivery));
      const options = crashing.options({ maxDeliveries: 2 });
      const sent = testEvent({ headers: { 'x-request-id': 'req_7' } });
      for (let crash = 1; crash <= 3; crash += 1) {
        const subscription = await bus.subscribe(options, crashing.handler);
        if (crash === 1) await bus.publish([sent], AbortSignal.timeout(10_000));
        await eventually(() => crashing.deliveries.length === crash, `delivery ${crash}`);
        await subscription.stop(0);
      }
      assert.deepEqual(
        crashing.deliveries.map(({ delivery }) => delivery.attempt),
        [1, 2, 3],
      );
      // Returned a third time, past x-delivery-limit 2: the broker moves it to <queue>.dead.
      let dead: Awaited<ReturnType<typeof channel.get>> = false;
      const giveUpAt = Date.now() + 10_000;
      while (dead === false && Date.now() < giveUpAt) {
        dead = await channel.get(`${ns}.crashing.dead`, { noAck: true });
        if (dead === false) await delay(20); // dead-lettering is asynchronous in the broker
      }
      assert.ok(dead !== false, 'dead-lettered by the broker');
      assert.equal(dead.properties.messageId, sent.id);
      assert.equal(dead.properties.deliveryMode, 2, 'persistent');
      assert.equal(dead.fields.routingKey, `${ns}.crashing`, 'through the dead-letter exchange, keyed by the queue');
      assert.equal(dead.properties.headers?.['x-request-id'], 'req_7');
      const [death] = dead.properties.headers?.['x-death'] ?? [];
      assert.deepEqual(death?.['routing-keys'], [`${ns}.order.paid`], 'published on <prefix>.<type>');
      assert.equal(death?.reason, 'delivery_limit');
      assert.equal(JSON.parse(dead.content.toString()).id, sent.id);
      assert.equal(crashing.deadLetters.length, 0);
      await bus.close();
    } finally {
      await deleteNamespace(channel, ns, ['crashing']);
      await connection.close();
    }
  });

  it('a subscribe the broker refuses (queue arguments changed) rejects, and the bus keeps working', async () => {
    const ns = uniqueNamespace();
    const connection = await amqp.connect(url ?? '');
    const channel = await connection.createChannel();
    const bus = await createAmqpBus({ url: url ?? '', exchange: ns, routingPrefix: ns });
    try {
      const seen = recorder('changed');
      const first = await bus.subscribe(seen.options({ maxDeliveries: 2 }), seen.handler);
      await first.stop(1_000);
      // x-delivery-limit differs from the existing queue's: RabbitMQ answers PRECONDITION_FAILED.
      await assert.rejects(bus.subscribe(seen.options({ maxDeliveries: 3 }), seen.handler), /PRECONDITION_FAILED/);
      await bus.subscribe(seen.options({ maxDeliveries: 2 }), seen.handler);
      const message = testEvent();
      await bus.publish([message], AbortSignal.timeout(10_000));
      await eventually(() => seen.ids().has(message.id), 'the message, on the same bus');
    } finally {
      await bus.close();
      await deleteNamespace(channel, ns, ['changed']);
      await connection.close();
    }
  });

  it('an event no consumer queue is bound for is kept in <exchange>.unrouted, not dropped', async () => {
    const ns = uniqueNamespace();
    const connection = await amqp.connect(url ?? '');
    const channel = await connection.createChannel();
    const bus = await createAmqpBus({ url: url ?? '', exchange: ns, routingPrefix: ns });
    try {
      const seen = recorder('paid-only');
      await bus.subscribe(seen.options({ types: ['order.paid'] }), seen.handler);
      const orphan = testEvent({ type: 'order.created' });
      await bus.publish([orphan], AbortSignal.timeout(10_000));
      let kept: Awaited<ReturnType<typeof channel.get>> = false;
      const giveUpAt = Date.now() + 10_000;
      while (kept === false && Date.now() < giveUpAt) {
        kept = await channel.get(`${ns}.unrouted`, { noAck: true });
        if (kept === false) await delay(20);
      }
      assert.ok(kept !== false, 'kept in the unrouted queue');
      assert.equal(kept.properties.messageId, orphan.id);
      assert.equal(kept.fields.routingKey, `${ns}.order.created`);
      assert.equal(seen.deliveries.length, 0);
    } finally {
      await bus.close();
      await deleteNamespace(channel, ns, ['paid-only']);
      await connection.close();
    }
  });
});
