import type { RequestContext } from '@keelson/kit/context';
import type { Database } from '@keelson/kit/db';
import {
  createAmqpBus,
  createInProcessBus,
  createJetStreamBus,
  type Delivery,
  type EventBus,
  measuredHandler,
  type Subscription,
} from '@keelson/kit/events';
import type { IdGenerator } from '@keelson/kit/ids';
import { consumerSubscribeOptions } from '@keelson/kit/inbox';
import type { Closer } from '@keelson/kit/lifecycle';
import type { Metrics } from '@keelson/kit/metrics';
import { createOutboxRelay, registerOutboxMetrics } from '@keelson/kit/outbox';
import { SpanKind, SpanStatusCode, type Tracing, traceparentOf } from '@keelson/kit/telemetry';
import type { Logger } from 'pino';
import type { Role } from '../adapters/cli/cli-commands.ts';
import type { EventConsumer } from '../adapters/events/event-consumer.ts';
import { createEventReplayer, type EventReplayer } from '../adapters/events/event-replay.ts';
import { fulfillmentConsumer } from '../adapters/events/fulfillment.consumer.ts';
import { eventDeadLetterWriter } from '../adapters/postgres/event-dead-letters.ts';
import { webhookDispatcher } from '../adapters/webhooks/webhook-dispatcher.ts';
import type { Application } from '../app/application.ts';
import type { Config } from '../config.ts';
import { type FlagCheck, featureFlags } from './flags.ts';

/** Which transport carries events, from the config: a broker URL, or the in-process bus. */
export type BusKind = 'jetstream' | 'amqp' | 'in-process';

export function busKindOf(config: Config): BusKind {
  if (config.natsUrl !== undefined) return 'jetstream';
  if (config.amqpUrl !== undefined) return 'amqp';
  return 'in-process';
}

/** The JetStream stream of a prefix: `checkout` → `CHECKOUT`, `t1.checkout` → `T1_CHECKOUT`. */
const streamOf = (prefix: string) => prefix.toUpperCase().replaceAll('.', '_');

/** One factory per transport, chosen by `busKindOf`. Tests give each service its own prefix. */
const busFactories: Record<BusKind, (config: Config, logger: Logger) => Promise<EventBus>> = {
  jetstream: (config, logger) =>
    createJetStreamBus({
      url: required(config.natsUrl, 'KEELSON_NATS_URL'),
      stream: streamOf(config.eventPrefix),
      subjectPrefix: config.eventPrefix,
      connectionName: 'keelson-checkout',
      logger: logger.child({ component: 'event-bus' }),
    }),
  amqp: (config, logger) =>
    createAmqpBus({
      url: required(config.amqpUrl, 'KEELSON_AMQP_URL'),
      exchange: config.eventPrefix,
      routingPrefix: config.eventPrefix,
      logger: logger.child({ component: 'event-bus' }),
    }),
  'in-process': async () => createInProcessBus(),
};

/** busKindOf chose this transport because its URL is set; say so if that ever stops holding. */
function required(url: string | undefined, variable: string): string {
  if (url === undefined) throw new Error(`${variable} is not set`);
  return url;
}

export interface EventFlowParts {
  readonly db: Database;
  readonly app: Application;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly newId: IdGenerator;
  readonly role: Role;
  /** The database has one process by construction (embedded PGlite): its relay is the only one. */
  readonly exclusive: boolean;
  /** The build's list; the event flow's closer is appended. */
  readonly closers: Closer[];
  readonly tracing: Tracing;
  readonly flags: FlagCheck;
}

/** The consumers this service runs; also what dead-letter replay hands entries back to. */
export function eventConsumers(app: Application, logger: Logger, config: Config, flags?: FlagCheck): EventConsumer[] {
  // Without flags (a dead-letter replay, an operator's explicit act) webhook delivery is on.
  const deliveryEnabled = (ctx: RequestContext) => flags?.(featureFlags.webhookDelivery, ctx) ?? Promise.resolve(true);
  return [
    fulfillmentConsumer(app, logger, config.requestTimeoutMs + config.fulfillmentDelayMs),
    webhookDispatcher(app.webhooks.enqueueDeliveries, logger, config.requestTimeoutMs, deliveryEnabled),
  ];
}

/** Replay of a dead-lettered event (source 'event'), for `keelson dlq replay`. */
export function eventReplayer(app: Application, logger: Logger, config: Config): EventReplayer {
  return createEventReplayer(eventConsumers(app, logger, config));
}

/**
 * The worker side of events: the bus, the consumers subscribed to it, then the outbox relay.
 * The api role runs none of it (its writes reach the outbox; a worker relays them). On close:
 * the relay stops claiming and finishes its batch (in-process: the consumers handle it first),
 * then the consumers finish what they hold, then the bus closes, all within the shutdown budget.
 */
export async function startEventFlow(config: Config, parts: EventFlowParts): Promise<void> {
  const { db, app, logger, metrics } = parts;
  const outboxMetrics = registerOutboxMetrics(metrics, db, logger);
  if (parts.role === 'api') return;
  const kind = busKindOf(config);
  const bus = await busFactories[kind](config, logger);
  const subscriptions: Subscription[] = [];
  const relay = createOutboxRelay({
    db,
    bus,
    logger: logger.child({ component: 'outbox-relay' }),
    batchSize: config.outboxBatchSize,
    pollIntervalMs: config.outboxPollIntervalMs,
    leaseMs: config.outboxLeaseMs,
    // The requests' budget (the kit keeps at least 5 s): the relay shares their pool, so its
    // statements keep their bucket (ADR 0005).
    statementTimeoutMs: config.requestTimeoutMs,
    exclusive: parts.exclusive,
    metrics: outboxMetrics,
    tracing: parts.tracing,
  });
  // Within the closer's own budget (5 s per closer in the kit's shutdown), half for each stage.
  const drainMs = Math.min(config.shutdownTimeoutMs, 4_000) / 2;
  parts.closers.push({
    name: 'event-flow',
    async close() {
      await relay.stop(drainMs);
      await Promise.all(subscriptions.map((subscription) => subscription.stop(drainMs)));
      await bus.close();
    },
  });
  const writeDeadLetter = eventDeadLetterWriter(db, parts.newId);
  for (const consumer of eventConsumers(app, logger, config, parts.flags)) {
    const options = consumerSubscribeOptions(
      {
        consumer: consumer.name,
        types: consumer.types,
        concurrency: config.consumerConcurrency,
        maxDeliveries: config.consumerMaxDeliveries,
        baseBackoffMs: 200,
        maxBackoffMs: 30_000,
      },
      async (delivery, error) => {
        logger.error({ err: error, consumer: consumer.name, event: delivery.message.id }, 'event dead-lettered');
        await writeDeadLetter(consumer.name, delivery, error);
      },
    );
    const handle = tracedHandler(parts.tracing, consumer);
    const measured = measuredHandler(
      metrics,
      { consumer: consumer.name, concurrency: config.consumerConcurrency },
      async (delivery) => void (await handle(delivery)),
    );
    subscriptions.push(await bus.subscribe(options, measured));
  }
  await relay.start();
  logger.info({ bus: bus.name, consumers: subscriptions.length }, 'event flow started');
}

/**
 * A CONSUMER span per delivery, child of the span that wrote the event (its `traceparent`
 * header), so request → relay → consumer is one trace; the consumer's own writes and events
 * then carry the consumer span's traceparent.
 */
function tracedHandler(tracing: Tracing, consumer: EventConsumer): (delivery: Delivery) => Promise<unknown> {
  if (!tracing.enabled) return (delivery) => consumer.handle(delivery);
  return async (delivery) => {
    const { message } = delivery;
    const span = tracing.startSpan(`process ${message.type}`, {
      kind: SpanKind.CONSUMER,
      parent: message.headers.traceparent,
      attributes: {
        'messaging.operation.type': 'process',
        'messaging.consumer.group.name': consumer.name,
        'messaging.message.id': message.id,
        'messaging.message.delivery_attempt': delivery.attempt,
      },
    });
    const headers = { ...message.headers, traceparent: traceparentOf(span) };
    try {
      return await consumer.handle({ ...delivery, message: { ...message, headers } });
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
}
