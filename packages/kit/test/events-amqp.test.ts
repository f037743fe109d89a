import amqp from 'amqplib';
import { createAmqpBus, type EventBus } from '../src/events/index.ts';
import { eventBusContract } from './support/event-bus-contract.ts';

// The EventBus contract against the real RabbitMQ server (KEELSON_TEST_AMQP_URL). Each test gets
// its own exchange `<ns>` (routing keys `<ns>.<type>`) and queues `<ns>.<consumer>[.retry|.dead]`,
// deleted afterwards. RabbitMQ does not de-duplicate publishes, and the suite says so.

const url = process.env.KEELSON_TEST_AMQP_URL || undefined;
if (url === undefined && process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
  throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_AMQP_URL is not set');
}

/** Consumer names each namespace subscribed, so `destroy` knows the queues to delete. */
const consumers = new Map<string, Set<string>>();

eventBusContract({
  transport: 'amqp',
  skip: url === undefined ? 'KEELSON_TEST_AMQP_URL is not set' : false,
  publishDeduplication: false,
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
      for (const consumer of consumers.get(ns) ?? []) {
        for (const suffix of ['', '.retry', '.dead']) await channel.deleteQueue(`${ns}.${consumer}${suffix}`);
      }
      await channel.deleteExchange(ns);
      await channel.deleteExchange(`${ns}.dead-letter`);
      consumers.delete(ns);
    } finally {
      await connection.close();
    }
  },
});
