export { type AmqpBusOptions, createAmqpBus } from './amqp.bus.ts';
export * from './event-bus.ts';
export { createJetStreamBus, type JetStreamBusOptions } from './jetstream.bus.ts';
