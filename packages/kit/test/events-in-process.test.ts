import { createInProcessBus } from '../src/events/index.ts';
import { eventBusContract } from './support/event-bus-contract.ts';

// The EventBus contract against the in-process bus of embedded mode: the same cases as JetStream
// and RabbitMQ. Where it differs it says so through the suite's flags: it does not de-duplicate
// (the inbox does), it has no broker connection to cut, and it keeps nothing of its own — publish
// resolves only once every consumer settled the messages, and the outbox table is the durable
// queue (ADR 0009). Each `open` is a fresh bus, as a restarted process would get.

eventBusContract({
  transport: 'in-process',
  skip: false,
  publishDeduplication: false,
  durableQueue: 'publisher',
  brokerUrl: undefined,
  open: async () => createInProcessBus(),
  destroy: async () => {},
});
