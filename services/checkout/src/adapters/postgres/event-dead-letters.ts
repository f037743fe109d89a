import type { Database } from '@keelson/kit/db';
import type { Delivery } from '@keelson/kit/events';
import type { IdGenerator } from '@keelson/kit/ids';

/** Longest error text kept: enough for a message and its first cause, never a whole dump. */
const maxErrorLength = 2_000;

/**
 * Records an event that failed its last delivery in `consumer` (dead_letters, source 'event',
 * message_key = the event id). A second record of the same (consumer, event) — a redelivery
 * racing the first — is absorbed by the table's unique key.
 */
export function eventDeadLetterWriter(db: Database, newId: IdGenerator) {
  return async (consumer: string, delivery: Delivery, error: unknown): Promise<void> => {
    const { message } = delivery;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await db.query(
      { deadline: Date.now() + 5_000 },
      `INSERT INTO dead_letters (id, tenant_id, source, name, message_key, payload, attempts, last_error, created_at)
       VALUES ($1, $2, 'event', $3, $4, $5, $6, $7, $8)
       ON CONFLICT (source, name, message_key) DO NOTHING`,
      [
        newId('dlq'),
        message.tenantId,
        consumer,
        message.id,
        JSON.stringify(message),
        delivery.attempt,
        text.slice(0, maxErrorLength),
        new Date(),
      ],
    );
  };
}
