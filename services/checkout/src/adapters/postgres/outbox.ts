import type { RequestContext } from '@keelson/kit/context';
import type { Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { DomainEvent } from '../../domain/events.ts';

/** One event row; `bench/raw-order-transaction.ts` runs this same statement. */
export const insertOutboxSql = `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/** Transport headers an event carries from the request that caused it (lower-case names). */
export type EventHeaders = Readonly<Record<string, string>>;

/** The request id always; the caller's W3C traceparent when it sent one. */
export function eventHeaders(ctx: Pick<RequestContext, 'requestId' | 'traceparent'>): EventHeaders {
  return ctx.traceparent === undefined
    ? { 'x-request-id': ctx.requestId }
    : { 'x-request-id': ctx.requestId, traceparent: ctx.traceparent };
}

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists
 * exactly when the change it describes was committed.
 */
export async function appendToOutbox(
  tx: Queryable,
  newId: IdGenerator,
  tenantId: string,
  events: readonly DomainEvent[],
  headers: EventHeaders,
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
      JSON.stringify(headers),
    ]);
  }
}
