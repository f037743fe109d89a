import { randomUUID } from 'node:crypto';
import { inClientSpan, redisSpan, type Tracing } from '../telemetry/index.ts';
import type { Broadcast, BroadcastMessage, PublishOutcome } from './broadcast.ts';
import { openRedis, type RedisClient } from './redis-connection.ts';

export interface RedisBroadcastOptions {
  readonly url: string;
  /** Channel name; instances of one service share it. */
  readonly channel: string;
  /** How long the start waits for the first connection. Default 1000 ms. */
  readonly connectTimeoutMs?: number;
  /** How long `publish` waits for every receiver's acknowledgement. Default 500 ms. */
  readonly ackTimeoutMs?: number;
  /** A receiver that did not acknowledge in time, or a publish that failed: for a log line. */
  readonly onProblem?: (problem: string, error?: unknown) => void;
  /** A CLIENT span per publish made in a trace (`PUBLISH <channel>`), acknowledgements included. */
  readonly tracing?: Tracing;
}

interface Envelope {
  readonly id: string;
  readonly from: string;
  readonly message: BroadcastMessage;
}

/**
 * Redis pub/sub with acknowledgements: each receiver runs its handlers, then publishes the
 * message id on the sender's own ack channel; `publish` resolves when as many acks arrived as
 * PUBLISH reported receivers. Two connections: node-redis needs one of its own to subscribe.
 * The subscriber's reconnection delivers `flush` first (messages may have been missed).
 *
 * @example
 * ```ts
 * import { createRedisBroadcast } from '@keelson/kit/cache';
 * const broadcast = await createRedisBroadcast({ url: 'redis://127.0.0.1:6379', channel: 'shop:cache' });
 * await broadcast.publish({ kind: 'flush' });
 * await broadcast.close();
 * ```
 */
export async function createRedisBroadcast(options: RedisBroadcastOptions): Promise<Broadcast> {
  const instance = randomUUID();
  const ackChannel = `${options.channel}:ack:${instance}`;
  const ackTimeoutMs = options.ackTimeoutMs ?? 500;
  const report = options.onProblem ?? (() => {});
  const handlers: ((message: BroadcastMessage) => void)[] = [];
  const waiting = new Map<string, { acks: number; needed: number; done: () => void }>();
  // Subscribed once; node-redis resubscribes by itself before each later 'ready'.
  let listening = false;
  let hearing = false;

  const deliver = (message: BroadcastMessage) => {
    for (const handler of handlers) handler(message);
  };
  const onError = (error: Error) => report('redis broadcast connection error', error);
  const publisher: RedisClient = openRedis({ url: options.url, onError });
  const subscriber: RedisClient = openRedis({ url: options.url, onError });
  const onEnvelope = (raw: string) => {
    let envelope: Envelope;
    try {
      // Our own channel: only this module publishes on it.
      envelope = JSON.parse(raw) as Envelope;
    } catch (error) {
      report('unreadable broadcast message', error);
      return;
    }
    deliver(envelope.message);
    publisher
      .publish(`${options.channel}:ack:${envelope.from}`, envelope.id)
      .catch((error: unknown) => report('broadcast acknowledgement failed', error));
  };
  const onAck = (id: string) => {
    const wait = waiting.get(id);
    if (wait === undefined) return;
    wait.acks += 1;
    if (wait.acks >= wait.needed) wait.done();
  };
  let heard = () => {};
  const firstHearing = new Promise<void>((resolve) => {
    heard = resolve;
  });
  const listen = async () => {
    await subscriber.subscribe(options.channel, onEnvelope);
    await subscriber.subscribe(ackChannel, onAck);
    listening = true;
    hearing = true;
    heard();
  };
  const deaf = () => {
    hearing = false;
  };
  subscriber.on('end', deaf);
  subscriber.on('reconnecting', deaf);
  subscriber.on('ready', () => {
    if (!listening) {
      listen().catch((error: unknown) => report('broadcast subscribe failed', error));
      return;
    }
    // Back after a lost connection: whatever was published meanwhile never reached us.
    deliver({ kind: 'flush' });
    hearing = true;
  });
  // A bounded wait for the first subscription, so a healthy start is healthy at once; a Redis
  // that is down leaves the broadcast unhealthy (callers bypass) until it comes.
  let startTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    firstHearing,
    new Promise<void>((resolve) => {
      startTimer = setTimeout(resolve, options.connectTimeoutMs ?? 1_000);
    }),
  ]);
  clearTimeout(startTimer);

  async function publish(message: BroadcastMessage): Promise<PublishOutcome> {
    const id = randomUUID();
    let done = () => {};
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const wait = { acks: 0, needed: Number.POSITIVE_INFINITY, done };
    waiting.set(id, wait);
    let timer: NodeJS.Timeout | undefined;
    try {
      const envelope: Envelope = { id, from: instance, message };
      const receivers = await publisher
        .withCommandOptions({ timeout: ackTimeoutMs, rejectInFlight: true })
        .publish(options.channel, JSON.stringify(envelope));
      wait.needed = receivers;
      if (wait.acks >= receivers) done();
      const acknowledged = await Promise.race([
        finished.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), ackTimeoutMs);
        }),
      ]);
      if (!acknowledged) report(`${wait.acks} of ${receivers} instances acknowledged within ${ackTimeoutMs} ms`);
      return { receivers, acknowledged } satisfies PublishOutcome;
    } finally {
      clearTimeout(timer);
      waiting.delete(id);
    }
  }

  return {
    publish(message, traceparent) {
      if (traceparent === undefined || options.tracing?.enabled !== true) return publish(message);
      const { name, attributes } = redisSpan('PUBLISH', options.channel);
      return inClientSpan(options.tracing, traceparent, name, attributes, () => publish(message));
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    healthy: () => hearing && subscriber.isReady && publisher.isReady,
    async close() {
      hearing = false;
      for (const client of [subscriber, publisher]) if (client.isOpen) client.destroy();
    },
  };
}
