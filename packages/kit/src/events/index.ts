export { type AmqpBusOptions, createAmqpBus } from './amqp.bus.ts';
export * from './consumer-metrics.ts';
export * from './event-bus.ts';
export * from './in-process-bus.ts';
export { createJetStreamBus, type JetStreamBusOptions } from './jetstream.bus.ts';
