import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { EventHandler, SubscribeOptions } from './event-bus.ts';
import { createHandlerPool, type Settlement } from './handler-pool.ts';
import { decodeMessage, subjectOf } from './wire.ts';

export interface AmqpNames {
  readonly exchange: string;
  readonly deadLetterExchange: string;
  readonly routingPrefix: string;
}

/** Our own header: which delivery of the event a retried copy is (the broker's count restarts per copy). */
const attemptHeader = 'x-keelson-attempt';
/** Headers the broker or this adapter set; never handed to a handler as the event's own. */
const brokerHeaders = /^(x-keelson-|x-delivery-count$|x-death$|x-first-death-|x-last-death-)/;

/**
 * One consumer's queues and its consuming channel, attached again on every (re)connection:
 * - `<exchange>.<consumer>`: a quorum queue bound to `<prefix>.<type>` per type (`<prefix>.#`
 *   for '*'); its `x-delivery-limit` dead-letters a message whose handler kept crashing the
 *   process (no chance to call `onDeadLetter`) into `<exchange>.<consumer>.dead` via the DLX.
 * - `<exchange>.<consumer>.retry`: a failed delivery is copied here, with a per-message TTL of
 *   `backoffMs(attempt)` and `attempt + 1` in a header, then acknowledged; when the TTL expires
 *   the queue dead-letters it (at-least-once) back to the consumer's queue only, not to every
 *   consumer as a republish to the exchange would. RabbitMQ has no delayed redelivery of its
 *   own (a requeue is immediate), and the delayed-message plugin is not replicated; the cost is
 *   that a TTL expires only at the queue's head, so a short delay queued behind a long one
 *   waits for it: a retry comes late, never early.
 */
export function amqpSubscription(
  names: AmqpNames,
  options: SubscribeOptions,
  handler: EventHandler,
  logger: Logger | undefined,
) {
  const queue = `${names.exchange}.${options.consumer}`;
  const retryQueue = `${queue}.retry`;
  const deadQueue = `${queue}.dead`;
  const report = (error: unknown): void =>
    logger?.warn({ err: error, consumer: options.consumer }, 'event settle failed');
  const pool = createHandlerPool(options, handler, report);
  let channel: Channel | undefined;
  let consumerTag: string | undefined;
  let stopped = false;
  let attachedTo: ChannelModel | undefined;

  /** The at-least-once dead-lettering of quorum queues needs `reject-publish` overflow. */
  const quorum = {
    'x-queue-type': 'quorum',
    'x-overflow': 'reject-publish',
    'x-dead-letter-strategy': 'at-least-once',
  };

  async function declare(ch: Channel): Promise<void> {
    await ch.assertQueue(deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await ch.bindQueue(deadQueue, names.deadLetterExchange, queue);
    await ch.assertQueue(queue, {
      durable: true,
      arguments: {
        ...quorum,
        'x-delivery-limit': options.maxDeliveries,
        'x-dead-letter-exchange': names.deadLetterExchange,
        'x-dead-letter-routing-key': queue,
      },
    });
    const keys = options.types === '*' ? ['#'] : options.types;
    for (const type of keys) await ch.bindQueue(queue, names.exchange, subjectOf(names.routingPrefix, type));
    await ch.assertQueue(retryQueue, {
      durable: true,
      arguments: { ...quorum, 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
    });
  }

  function onMessage(ch: Channel, publisher: ConfirmChannel, raw: ConsumeMessage | null): void {
    // The broker cancelled the consumer (its queue was deleted): silent until a reconnection redeclares it.
    if (raw === null) return;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(raw.properties.headers ?? {})) {
      if (typeof value === 'string' && !brokerHeaders.test(name)) headers[name] = value;
    }
    const attempt =
      Number(raw.properties.headers?.[attemptHeader] ?? 1) + Number(raw.properties.headers?.['x-delivery-count'] ?? 0);
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(raw.content, headers);
    } catch (error) {
      logger?.error({ err: error, routingKey: raw.fields.routingKey }, 'malformed event dropped');
      ch.ack(raw);
      return;
    }
    // Acks name a delivery tag of this channel: once it is gone, the broker has requeued the message.
    const live = (): boolean => channel === ch;
    const settlement: Settlement = {
      async done() {
        if (live()) ch.ack(raw);
      },
      async retry(delayMs) {
        if (!live()) return;
        await new Promise<void>((resolve, reject) =>
          publisher.sendToQueue(
            retryQueue,
            raw.content,
            {
              messageId: message.id,
              contentType: 'application/json',
              headers: { ...headers, [attemptHeader]: attempt + 1 },
              expiration: String(Math.max(0, Math.round(delayMs))),
              persistent: true,
            },
            (error: unknown) => (error ? reject(error) : resolve()),
          ),
        );
        if (live()) ch.ack(raw);
      },
      async release() {
        if (live()) ch.nack(raw, false, true);
      },
    };
    pool.run(message, attempt, settlement);
  }

  return {
    /** Declares the queues and starts consuming on a fresh channel of `model`. */
    async attach(model: ChannelModel, publisher: ConfirmChannel): Promise<void> {
      if (stopped || attachedTo === model) return;
      attachedTo = model;
      const ch = await model.createChannel();
      ch.on('error', (error: unknown) => logger?.warn({ err: error, queue }, 'amqp consumer channel error'));
      ch.on('close', () => {
        if (channel !== ch) return;
        channel = undefined;
        pool.abandonAll();
        // Closed on its own (the broker refused an ack): recovery rebuilds the whole connection.
        if (!stopped) model.close().catch(() => undefined);
      });
      try {
        await declare(ch);
      } catch (error) {
        attachedTo = undefined; // a refused declare closed the channel; a later attach tries again
        throw error;
      }
      await ch.prefetch(options.concurrency);
      channel = ch;
      const reply = await ch.consume(queue, (raw) => onMessage(ch, publisher, raw), { noAck: false });
      consumerTag = reply.consumerTag;
    },
    /** The connection is gone: its deliveries come back from the broker, so stop counting them. */
    detach(): void {
      channel = undefined;
      pool.abandonAll();
    },
    async stop(drainMs: number): Promise<void> {
      stopped = true;
      const ch = channel;
      if (ch !== undefined && consumerTag !== undefined) await ch.cancel(consumerTag).catch(report);
      await pool.drain(drainMs);
      channel = undefined;
      if (ch !== undefined) await ch.close().catch(() => undefined);
    },
  };
}

export type AmqpSubscription = ReturnType<typeof amqpSubscription>;
