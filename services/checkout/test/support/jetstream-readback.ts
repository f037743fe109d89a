import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/**
 * What a test reads back from a service's JetStream stream after the fact, on its own connection
 * straight to the server (never through the test's proxy): every stored message, and what the
 * server counted for a durable consumer. The stream is the broker's record; the outbox table is
 * ours; a durability test compares the two.
 */
export interface StoredEvent {
  readonly seq: number;
  /** `Nats-Msg-Id`, which the relay sets to the outbox id. */
  readonly id: string;
  readonly subject: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
}

/** The stream of a prefix, as `composition/events.ts` names it. */
export const streamOfPrefix = (prefix: string): string => prefix.toUpperCase().replaceAll('.', '_');

/** Every message in `stream`, in stream order, through an ordered consumer (bounded by `timeoutMs`). */
export async function readStream(url: string, stream: string, timeoutMs = 60_000): Promise<StoredEvent[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const total = (await jsm.streams.info(stream)).state.messages;
    const stored: StoredEvent[] = [];
    if (total === 0) return stored;
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages = await consumer.consume({ max_messages: 1_000 });
    const timer = setTimeout(() => messages.stop(), timeoutMs);
    try {
      for await (const msg of messages) {
        // The body is the envelope the kit's wire format writes (events/wire.ts).
        const body = msg.json<{ aggregateId: string; aggregateVersion: number }>();
        stored.push({
          seq: msg.seq,
          id: msg.headers?.get('Nats-Msg-Id') ?? '',
          subject: msg.subject,
          aggregateId: body.aggregateId,
          aggregateVersion: body.aggregateVersion,
        });
        if (msg.info.pending === 0) break;
      }
    } finally {
      clearTimeout(timer);
      messages.stop();
    }
    if (stored.length !== total) throw new Error(`read ${stored.length} of ${total} stream messages in time`);
    return stored;
  } finally {
    await nc.close();
  }
}

export interface ConsumerCounts {
  /** Deliveries the server made to this durable consumer, first and redelivered alike. */
  readonly deliveries: number;
  /** Stream messages on the consumer's subject (each is delivered at least once). */
  readonly messages: number;
  readonly ackPending: number;
}

/** The server's count of deliveries to durable `consumer` against the messages on `subject`. */
export async function consumerCounts(
  url: string,
  stream: string,
  consumer: string,
  subject: string,
): Promise<ConsumerCounts> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(stream, consumer);
    const subjects = (await jsm.streams.info(stream, { subjects_filter: subject })).state.subjects ?? {};
    return {
      deliveries: info.delivered.consumer_seq,
      messages: subjects[subject] ?? 0,
      ackPending: info.num_ack_pending,
    };
  } finally {
    await nc.close();
  }
}
