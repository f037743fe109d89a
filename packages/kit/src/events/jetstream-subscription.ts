import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { jitteredBackoff, pause } from './abortable.ts';
import type { EventHandler, SubscribeOptions, Subscription } from './event-bus.ts';
import { createHandlerPool, type Settlement } from './handler-pool.ts';
import { decodeMessage, subjectOf, typeOf } from './wire.ts';

export interface JetStreamSubscriptionContext {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly subjectPrefix: string;
  /** The server takes several filter subjects per consumer (NATS ≥ 2.10). */
  readonly multipleFilters: boolean;
  readonly ackWaitMs: number;
  readonly fetchWaitMs: number;
  readonly logger: Logger | undefined;
}

/**
 * One durable pull consumer and the loop that feeds its handler pool. Each fetch asks for the
 * pool's free capacity only, so a slow handler holds back the broker, never memory. The server's
 * own `max_deliver` stays unlimited: the pool counts attempts and dead-letters through
 * `onDeadLetter` first, then terminates the message, so a dead letter is never lost to a limit.
 */
export async function subscribeJetStream(
  context: JetStreamSubscriptionContext,
  options: SubscribeOptions,
  handler: EventHandler,
): Promise<Subscription> {
  const { js, stream, subjectPrefix, logger } = context;
  const wanted = options.types === '*' ? undefined : new Set(options.types);
  await ensureConsumer(context, options, wanted);
  const consumer = await js.consumers.get(stream, options.consumer);
  const report = (error: unknown): void =>
    logger?.warn({ err: error, consumer: options.consumer }, 'event settle failed');
  const pool = createHandlerPool(options, handler, report);
  const stopping = new AbortController();
  let batch: ConsumerMessages | undefined;

  function dispatch(msg: JsMsg): void {
    const type = typeOf(subjectPrefix, msg.subject);
    // Only reached on a server without multi-subject filters: the consumer sees the whole prefix.
    if (wanted !== undefined && (type === undefined || !wanted.has(type))) {
      msg.ack();
      return;
    }
    if (stopping.signal.aborted) {
      msg.nak(); // fetched after stop: the next consumer gets it at once
      return;
    }
    let message: ReturnType<typeof decodeMessage>;
    try {
      message = decodeMessage(msg.data, userHeaders(msg));
    } catch (error) {
      // Not an envelope we published: nothing a handler could do with it, and nothing to dead-letter.
      logger?.error({ err: error, subject: msg.subject, seq: msg.seq }, 'malformed event terminated');
      msg.term('malformed envelope');
      return;
    }
    // Tell the server the handler is still working, so a slow handler is not redelivered meanwhile.
    const working = setInterval(() => msg.working(), Math.max(1_000, context.ackWaitMs / 3));
    const settle = (act: () => void): Promise<void> => {
      clearInterval(working);
      act();
      return Promise.resolve();
    };
    const settlement: Settlement = {
      done: (outcome) => settle(() => (outcome === 'handled' ? msg.ack() : msg.term('dead-lettered'))),
      retry: (delayMs) => settle(() => msg.nak(Math.max(0, Math.round(delayMs)))),
      release: () => settle(() => msg.nak()),
    };
    pool.run(message, msg.info.deliveryCount, settlement);
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      await pool.capacity(stopping.signal);
      if (stopping.signal.aborted) break;
      try {
        batch = await consumer.fetch({ max_messages: pool.free, expires: context.fetchWaitMs });
        for await (const msg of batch) dispatch(msg);
        failures = 0;
      } catch (error) {
        // The connection dropped or the consumer is unreachable: nats.js reconnects underneath;
        // try again after a bounded, jittered pause (the durable consumer kept our place).
        failures += 1;
        logger?.warn({ err: error, consumer: options.consumer }, 'event fetch failed; retrying');
        await pause(jitteredBackoff(failures, 100, 5_000), stopping.signal);
      } finally {
        batch = undefined;
      }
    }
  })();

  return {
    async stop(drainMs) {
      if (!stopping.signal.aborted) {
        stopping.abort();
        batch?.stop();
      }
      await loop;
      await pool.drain(drainMs);
    },
  };
}

async function ensureConsumer(
  context: JetStreamSubscriptionContext,
  options: SubscribeOptions,
  wanted: ReadonlySet<string> | undefined,
): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: options.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(context.ackWaitMs),
    max_deliver: -1,
    // Messages waiting out a nak delay count as pending: keep room for healthy ones behind a poison message.
    max_ack_pending: Math.max(1_000, options.concurrency * 10),
    ...filterOf(context, wanted),
  };
  try {
    await context.jsm.consumers.add(context.stream, config);
  } catch (error) {
    // It exists with another configuration (a deploy changed its types): update it in place.
    context.logger?.info({ err: error, consumer: options.consumer }, 'updating event consumer');
    const { durable_name: _name, deliver_policy: _policy, ...updatable } = config;
    await context.jsm.consumers.update(context.stream, options.consumer, updatable);
  }
}

function filterOf(
  context: JetStreamSubscriptionContext,
  wanted: ReadonlySet<string> | undefined,
): Partial<ConsumerConfig> {
  if (wanted === undefined) return {}; // the stream's whole subject space
  const subjects = [...wanted].map((type) => subjectOf(context.subjectPrefix, type));
  const [only] = subjects;
  if (subjects.length === 1 && only !== undefined) return { filter_subject: only };
  if (context.multipleFilters) return { filter_subjects: subjects };
  // NATS 2.9 takes one filter per consumer: take the prefix, and `dispatch` acks the other types.
  return { filter_subject: `${context.subjectPrefix}.>` };
}

/** The message's own headers, without the ones NATS and JetStream set (`Nats-Msg-Id`, …). */
function userHeaders(msg: JsMsg): Record<string, string> {
  const result: Record<string, string> = {};
  if (msg.headers === undefined) return result;
  for (const key of msg.headers.keys()) {
    if (!key.toLowerCase().startsWith('nats-')) result[key.toLowerCase()] = msg.headers.get(key);
  }
  return result;
}
