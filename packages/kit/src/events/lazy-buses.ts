import type { AmqpBusOptions } from './amqp.bus.ts';
import type { EventBus } from './event-bus.ts';
import type { JetStreamBusOptions } from './jetstream.bus.ts';

export type { AmqpBusOptions, JetStreamBusOptions };

/**
 * A bus over NATS JetStream (options and example: `jetstream.bus.ts`). The NATS client loads when a JetStream bus
 * is asked for, not when the kit's events module is imported: a service on another transport
 * (or a CLI command) never pays its memory or start-up time.
 */
export async function createJetStreamBus(options: JetStreamBusOptions): Promise<EventBus> {
  const { createJetStreamBus: create } = await import('./jetstream.bus.ts');
  return create(options);
}

/**
 * A bus over RabbitMQ (options and example: `amqp.bus.ts`); amqplib loads when an AMQP bus is asked for.
 */
export async function createAmqpBus(options: AmqpBusOptions): Promise<EventBus> {
  const { createAmqpBus: create } = await import('./amqp.bus.ts');
  return create(options);
}
