import { jetstream, jetstreamManager, RetentionPolicy, StorageType, type StreamConfig } from '@nats-io/jetstream';
import { connect, nanos, headers as natsHeaders } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { AppError } from '../errors/index.ts';
import { abortable } from './abortable.ts';
import type { EventBus, EventMessage, Subscription } from './event-bus.ts';
import { subscribeJetStream } from './jetstream-subscription.ts';
import { encodeBody, subjectOf } from './wire.ts';

export interface JetStreamBusOptions {
  /** e.g. `nats://127.0.0.1:4222`; the caller reads it from its config (`KEELSON_NATS_URL`). */
  readonly url: string;
  /** Stream name, e.g. `CHECKOUT`; created on start, or updated to this configuration. */
  readonly stream: string;
  /** Subjects are `<subjectPrefix>.<type>` (e.g. `checkout.order.paid`); the stream takes `<subjectPrefix>.>`. */
  readonly subjectPrefix: string;
  /** A message id published again within this window is stored once. Default 2 min. */
  readonly duplicateWindowMs?: number;
  /** How long the stream keeps a message, acknowledged or not. Default 7 days. */
  readonly maxAgeMs?: number;
  /** How long one publish waits for its PubAck (the caller's signal may end it sooner). Default 5 s. */
  readonly publishTimeoutMs?: number;
  /** The server redelivers a message whose handler has not settled it for this long (kept alive while it runs). Default 30 s. */
  readonly ackWaitMs?: number;
  /** How long one pull request waits for messages before the next is sent. Default 5 s (NATS' minimum is 1 s). */
  readonly fetchWaitMs?: number;
  /** Pause between reconnection attempts (nats.js adds jitter and retries forever). Default 1 s. */
  readonly reconnectWaitMs?: number;
  /** Connection name shown by the server's monitoring. */
  readonly connectionName?: string;
  readonly logger?: Logger;
}

const defaults = {
  duplicateWindowMs: 120_000,
  maxAgeMs: 7 * 24 * 3_600_000,
  publishTimeoutMs: 5_000,
  ackWaitMs: 30_000,
  fetchWaitMs: 5_000,
  reconnectWaitMs: 1_000,
} as const;

/**
 * An {@link EventBus} on NATS JetStream. On start it connects and creates (or updates) the
 * stream: `<subjectPrefix>.>`, file storage, limits retention, de-duplication by `Nats-Msg-Id`
 * (= the event id) within `duplicateWindowMs`. `publish` resolves once every PubAck arrived
 * (a duplicate's too) and rejects `unavailable`/`event_bus_unavailable` when any did not, or
 * with the signal's reason when it aborts first. While the connection is down it rejects at once;
 * nats.js reconnects forever underneath and durable pull consumers resume where they were.
 *
 * JetStream acknowledges before it fsyncs (every 2 min by default): keep the outbox rows for
 * longer than that, they stay the source of truth (STACK.md pitfall 8).
 *
 * @example
 * ```ts
 * import { createJetStreamBus } from '@keelson/kit/events';
 * const bus = await createJetStreamBus({ url: 'nats://127.0.0.1:4222', stream: 'CHECKOUT', subjectPrefix: 'checkout' });
 * const subscription = await bus.subscribe(
 *   {
 *     consumer: 'fulfillment',
 *     types: ['order.paid'],
 *     concurrency: 8,
 *     maxDeliveries: 5,
 *     backoffMs: (attempt) => Math.min(60_000, 1_000 * 2 ** attempt),
 *     onDeadLetter: async (delivery, error) => console.error(delivery.message.id, error),
 *   },
 *   async ({ message }) => console.log(message.type, message.aggregateId),
 * );
 * await subscription.stop(5_000);
 * await bus.close();
 * ```
 */
export async function createJetStreamBus(options: JetStreamBusOptions): Promise<EventBus> {
  const settings = { ...defaults, ...options };
  const nc = await connect({
    servers: options.url,
    name: options.connectionName ?? 'keelson-events',
    maxReconnectAttempts: -1,
    reconnectTimeWait: settings.reconnectWaitMs,
  });
  let connected = true;
  // `status()` is the connection's event stream; it ends when the connection closes.
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connected = false;
      if (status.type === 'reconnect') connected = true;
      if (status.type === 'disconnect' || status.type === 'reconnect')
        options.logger?.warn({ status }, 'nats connection');
    }
  })();

  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  try {
    await ensureStream(jsm, streamConfig(options.stream, options.subjectPrefix, settings));
  } catch (error) {
    await nc.close();
    throw error;
  }
  const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
  const context = {
    js,
    jsm,
    stream: options.stream,
    subjectPrefix: options.subjectPrefix,
    multipleFilters: major > 2 || (major === 2 && minor >= 10),
    ackWaitMs: settings.ackWaitMs,
    fetchWaitMs: settings.fetchWaitMs,
    logger: options.logger,
  };
  const subscriptions = new Set<Subscription>();

  async function publishOne(message: EventMessage): Promise<void> {
    const carried = natsHeaders();
    for (const [name, value] of Object.entries(message.headers)) carried.set(name, value);
    await js.publish(subjectOf(options.subjectPrefix, message.type), encodeBody(message), {
      msgID: message.id,
      headers: carried,
      timeout: settings.publishTimeoutMs,
    });
  }

  return {
    name: 'jetstream',
    async publish(messages, signal) {
      signal.throwIfAborted();
      if (messages.length === 0) return;
      if (!connected || nc.isClosed()) {
        throw new AppError('unavailable', 'event_bus_unavailable', 'not connected to NATS');
      }
      // One connection keeps publish order, so the stream stores one aggregate's events in the
      // order given while every PubAck is awaited at once.
      const acks = Promise.all(messages.map(publishOne));
      try {
        await abortable(acks, signal);
      } catch (error) {
        if (signal.aborted && error === signal.reason) throw error;
        throw new AppError('unavailable', 'event_bus_unavailable', 'NATS did not acknowledge every message', {
          cause: error,
        });
      }
    },
    async subscribe(subscribeOptions, handler) {
      const subscription = await subscribeJetStream(context, subscribeOptions, handler);
      subscriptions.add(subscription);
      return {
        async stop(drainMs) {
          subscriptions.delete(subscription);
          await subscription.stop(drainMs);
        },
      };
    },
    async close() {
      // Subscriptions still open are given no drain budget: callers that want one stop them first.
      await Promise.all([...subscriptions].map((subscription) => subscription.stop(0)));
      subscriptions.clear();
      if (nc.isClosed()) return;
      // Drain flushes the acks and naks just sent; bounded, as a drain waits on a server that may be gone.
      const drained = nc.drain().catch(() => undefined);
      const timer = setTimeout(() => void nc.close(), 5_000);
      await drained;
      clearTimeout(timer);
      await nc.closed();
    },
  };
}

function streamConfig(
  name: string,
  prefix: string,
  settings: { duplicateWindowMs: number; maxAgeMs: number },
): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [`${prefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(settings.duplicateWindowMs),
    max_age: nanos(settings.maxAgeMs),
  };
}

async function ensureStream(
  jsm: Awaited<ReturnType<typeof jetstreamManager>>,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch {
    await jsm.streams.add(config);
    return;
  }
  await jsm.streams.update(config.name, config);
}
