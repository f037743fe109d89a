import type { Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { DomainEvent } from '../../domain/events.ts';

/** One event row; `bench/raw-order-transaction.ts` runs this same statement. */
export const insertOutboxSql = `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists
 * exactly when the change it describes was committed.
 */
export async function appendToOutbox(
  tx: Queryable,
  newId: IdGenerator,
  tenantId: string,
  events: readonly DomainEvent[],
): Promise<void> {
  for (const event of events) {
    await tx.query(insertOutboxSql, [
      newId('evt'),
      tenantId,
      event.type,
      event.aggregateType,
      event.aggregateId,
      event.aggregateVersion,
      event.occurredAt,
      JSON.stringify(event.data),
    ]);
  }
}
