import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import amqp from 'amqplib';

/**
 * The real brokers a service under test can carry its events on: NATS JetStream and RabbitMQ,
 * when their URLs are set (KEELSON_TEST_NATS_URL, KEELSON_TEST_AMQP_URL); with
 * KEELSON_TEST_REQUIRE_SERVICES=1 a missing URL fails instead of skipping. Each use gets its
 * own event prefix (so its own stream, exchange and queues), removed by `cleanup`.
 */
export interface BrokerTarget {
  readonly name: 'jetstream' | 'amqp';
  /** Undefined when the broker is configured; else why the tests skip. */
  readonly skip: string | false;
  /** A fresh prefix and the service env that selects this broker with it. */
  prepare(): { readonly prefix: string; readonly env: Record<string, string> };
  /** Deletes what the service declared under `prefix` (consumers by name). */
  cleanup(prefix: string, consumers: readonly string[]): Promise<void>;
}

const required = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';

/** The durable consumers a service in the all or worker role subscribes (composition/events.ts). */
export const serviceConsumers = ['fulfillment', 'webhooks'] as const;

function urlOf(variable: 'KEELSON_TEST_NATS_URL' | 'KEELSON_TEST_AMQP_URL'): string | undefined {
  const url = process.env[variable] || undefined;
  if (url === undefined && required) throw new Error(`KEELSON_TEST_REQUIRE_SERVICES=1 but ${variable} is not set`);
  return url;
}

const freshPrefix = () => `t${randomBytes(5).toString('hex')}.checkout`;

export function brokerTargets(): BrokerTarget[] {
  const natsUrl = urlOf('KEELSON_TEST_NATS_URL');
  const amqpUrl = urlOf('KEELSON_TEST_AMQP_URL');
  return [
    {
      name: 'jetstream',
      skip: natsUrl === undefined ? 'KEELSON_TEST_NATS_URL is not set' : false,
      prepare() {
        const prefix = freshPrefix();
        return { prefix, env: { KEELSON_NATS_URL: natsUrl ?? '', KEELSON_EVENT_PREFIX: prefix } };
      },
      async cleanup(prefix) {
        const nc = await connect({ servers: natsUrl ?? '' });
        try {
          const jsm = await jetstreamManager(nc);
          await jsm.streams.delete(prefix.toUpperCase().replaceAll('.', '_')).catch(() => false);
        } finally {
          await nc.close();
        }
      },
    },
    {
      name: 'amqp',
      skip: amqpUrl === undefined ? 'KEELSON_TEST_AMQP_URL is not set' : false,
      prepare() {
        const prefix = freshPrefix();
        return { prefix, env: { KEELSON_AMQP_URL: amqpUrl ?? '', KEELSON_EVENT_PREFIX: prefix } };
      },
      async cleanup(prefix, consumers) {
        const connection = await amqp.connect(amqpUrl ?? '');
        try {
          const channel = await connection.createChannel();
          for (const consumer of consumers) {
            for (const suffix of ['', '.retry', '.dead']) await channel.deleteQueue(`${prefix}.${consumer}${suffix}`);
          }
          await channel.deleteQueue(`${prefix}.unrouted`);
          for (const suffix of ['', '.dead-letter', '.unrouted']) await channel.deleteExchange(`${prefix}${suffix}`);
        } finally {
          await connection.close();
        }
      },
    },
  ];
}
