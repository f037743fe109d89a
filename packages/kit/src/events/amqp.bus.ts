import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from 'pino';
import { AppError } from '../errors/index.ts';
import { abortable } from './abortable.ts';
import { type AmqpSubscription, amqpSubscription } from './amqp-subscription.ts';
import type { EventBus, EventMessage } from './event-bus.ts';
import { encodeBody, subjectOf } from './wire.ts';

export interface AmqpBusOptions {
  /** e.g. `amqp://guest:guest@127.0.0.1:5672`; the caller reads it from its config (`KEELSON_AMQP_URL`). */
  readonly url: string;
  /** The topic exchange events are published to, e.g. `checkout.events`; queues are named after it. */
  readonly exchange: string;
  /** Routing keys are `<routingPrefix>.<type>`, e.g. `checkout.order.paid`. */
  readonly routingPrefix: string;
  /** How long `<exchange>.unrouted` keeps an event no consumer's queue was bound for. Default 7 days (JetStream's default max age here). */
  readonly unroutedMaxAgeMs?: number;
  /** Heartbeat, so a silent network is noticed. Default 10 s. */
  readonly heartbeatSeconds?: number;
  /** Reconnection backoff: exponential from `initialMs` to `maxMs`, with jitter, forever. Default 100 ms – 10 s. */
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number };
  readonly logger?: Logger;
}

/**
 * An {@link EventBus} on RabbitMQ (AMQP 0-9-1). Events go to a durable topic exchange with routing
 * key `<routingPrefix>.<type>`, persistent, `message_id` = the event id, the headers as AMQP
 * headers, on a confirm channel: `publish` resolves once the broker confirmed every message and
 * rejects `unavailable`/`event_bus_unavailable` when one was refused, the channel closed, or the
 * connection is down (at once); with the signal's reason when it aborts first.
 *
 * Each consumer gets a quorum queue `<exchange>.<consumer>`, prefetch = concurrency, redelivery
 * after `backoffMs(attempt)` through a per-consumer retry queue, and `onDeadLetter` then ack after
 * `maxDeliveries` (see amqp-subscription.ts). A queue exists from a consumer's first `subscribe`:
 * events published before it are not kept for it; an event no queue is bound for is kept in the
 * quorum queue `<exchange>.unrouted` (the exchange's alternate exchange), never dropped. Queue arguments are fixed when a queue is first
 * declared: changing `maxDeliveries` of an existing consumer needs its queues deleted. A type added
 * to `types` is bound on the next subscribe; a type removed stays bound until its binding is
 * removed (AMQP cannot list a queue's bindings without the management API).
 *
 * RabbitMQ has **no publish de-duplication**: an event published twice (a relay retrying after a
 * lost confirm) is delivered twice. Consumers are idempotent through the inbox, which records
 * `(consumer, event id)` with the effect.
 *
 * The connection recovers with amqplib's own recovery (backoff with jitter, retrying forever);
 * every recovery declares the topology again and re-attaches every consumer.
 *
 * @example
 * ```ts
 * import { createAmqpBus } from '@keelson/kit/events';
 * const bus = await createAmqpBus({
 *   url: 'amqp://guest:guest@127.0.0.1:5672',
 *   exchange: 'checkout.events',
 *   routingPrefix: 'checkout',
 * });
 * await bus.publish(
 *   [
 *     {
 *       id: 'evt_01J9',
 *       type: 'order.paid',
 *       tenantId: 'ten_1',
 *       aggregateType: 'order',
 *       aggregateId: 'ord_1',
 *       aggregateVersion: 3,
 *       occurredAt: new Date().toISOString(),
 *       data: { amount: 1250 },
 *       headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
 *     },
 *   ],
 *   AbortSignal.timeout(5_000),
 * );
 * await bus.close();
 * ```
 */
export async function createAmqpBus(options: AmqpBusOptions): Promise<EventBus> {
  const { exchange, routingPrefix, logger } = options;
  const names = {
    exchange,
    routingPrefix,
    deadLetterExchange: `${exchange}.dead-letter`,
    unrouted: `${exchange}.unrouted`,
  };
  const subscriptions = new Set<AmqpSubscription>();
  let current: { model: ChannelModel; publisher: ConfirmChannel } | undefined;
  let closing = false;

  // Runs after every successful (re)connection, before amqplib reports it connected.
  async function setup(model: ChannelModel): Promise<void> {
    const publisher = await model.createConfirmChannel();
    publisher.on('error', (error: unknown) => logger?.warn({ err: error }, 'amqp publisher channel error'));
    // A channel closed on its own (a refused declare or ack) would leave the connection up and
    // this bus mute: close the connection instead, so recovery rebuilds everything.
    publisher.on('close', () => {
      if (current?.publisher === publisher && !closing) model.close().catch(() => undefined);
    });
    // A topic exchange drops what no queue is bound for (a type published before its consumer
    // first subscribed): its alternate exchange keeps those in `<exchange>.unrouted` instead.
    await publisher.assertExchange(names.unrouted, 'fanout', { durable: true });
    await publisher.assertQueue(names.unrouted, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-message-ttl': options.unroutedMaxAgeMs ?? 7 * 24 * 3_600_000 },
    });
    await publisher.bindQueue(names.unrouted, names.unrouted, '');
    await publisher.assertExchange(exchange, 'topic', { durable: true, alternateExchange: names.unrouted });
    await publisher.assertExchange(names.deadLetterExchange, 'direct', { durable: true });
    // Set first, so a subscribe racing this setup attaches itself; `attach` is once per connection.
    current = { model, publisher };
    for (const subscription of subscriptions) await subscription.attach(model, publisher);
  }

  const reconnect = options.reconnect ?? { initialMs: 100, maxMs: 10_000 };
  const target = new URL(options.url);
  if (!target.searchParams.has('heartbeat'))
    target.searchParams.set('heartbeat', String(options.heartbeatSeconds ?? 10));
  const connection = await amqp.connect(target.toString(), {
    recovery: {
      initialDelay: reconnect.initialMs,
      maxDelay: reconnect.maxMs,
      jitter: 0.5,
      maxRetries: Number.POSITIVE_INFINITY,
      // A broker unreachable at start fails `createAmqpBus` at once; the caller decides to retry.
      initialMaxRetries: 0,
      setup,
    },
  });
  connection.on('error', (error: unknown) => logger?.warn({ err: error }, 'amqp connection error'));
  connection.on('connect-failed', (error: unknown) => logger?.warn({ err: error }, 'amqp reconnection failed'));
  connection.on('disconnect', (error: unknown) => {
    current = undefined;
    for (const subscription of subscriptions) subscription.detach();
    if (!closing) logger?.warn({ err: error }, 'amqp connection lost; reconnecting');
  });

  function publishOne(publisher: ConfirmChannel, message: EventMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      publisher.publish(
        exchange,
        subjectOf(routingPrefix, message.type),
        Buffer.from(encodeBody(message)),
        { persistent: true, messageId: message.id, contentType: 'application/json', headers: { ...message.headers } },
        (error: unknown) => (error ? reject(error) : resolve()),
      );
    });
  }

  return {
    name: 'amqp',
    async publish(messages, signal) {
      signal.throwIfAborted();
      if (messages.length === 0) return;
      const publisher = current?.publisher;
      if (publisher === undefined)
        throw new AppError('unavailable', 'event_bus_unavailable', 'not connected to RabbitMQ');
      // One channel keeps publish order, so a queue holds one aggregate's events in the order given.
      const confirms = Promise.all(messages.map((message) => publishOne(publisher, message)));
      try {
        await abortable(confirms, signal);
      } catch (error) {
        if (signal.aborted && error === signal.reason) throw error;
        throw new AppError('unavailable', 'event_bus_unavailable', 'RabbitMQ did not confirm every message', {
          cause: error,
        });
      }
    },
    async subscribe(subscribeOptions, handler) {
      const subscription = amqpSubscription(names, subscribeOptions, handler, logger);
      subscriptions.add(subscription);
      // Not connected: the next recovery attaches it.
      try {
        if (current !== undefined) await subscription.attach(current.model, current.publisher);
      } catch (error) {
        // Refused (queue arguments that differ from the existing queue's): never retry it on reconnect.
        subscriptions.delete(subscription);
        throw error;
      }
      return {
        async stop(drainMs) {
          subscriptions.delete(subscription);
          await subscription.stop(drainMs);
        },
      };
    },
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop(0)));
      subscriptions.clear();
      closing = true;
      await connection.close();
    },
  };
}
