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
 * Several event rows in one statement, in the order given (a payment's settlement writes two or
 * three events: one round trip instead of one each, inside a transaction holding the order's lock).
 */
export const insertOutboxRowsSql = `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, headers)
       SELECT e.id, $1, e.type, e.aggregate_type, e.aggregate_id, e.aggregate_version, e.occurred_at, e.data, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[], $9::jsonb[])
         WITH ORDINALITY AS e(id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, n)
       ORDER BY e.n`;

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
  const [only] = events;
  if (only === undefined) return;
  if (events.length === 1) {
    await tx.query(insertOutboxSql, [
      newId('evt'),
      tenantId,
      only.type,
      only.aggregateType,
      only.aggregateId,
      only.aggregateVersion,
      only.occurredAt,
      JSON.stringify(only.data),
      JSON.stringify(headers),
    ]);
    return;
  }
  // Ids drawn in event order: the relay publishes an aggregate's events in id order.
  await tx.query(insertOutboxRowsSql, [
    tenantId,
    JSON.stringify(headers),
    events.map(() => newId('evt')),
    events.map((event) => event.type),
    events.map((event) => event.aggregateType),
    events.map((event) => event.aggregateId),
    events.map((event) => event.aggregateVersion),
    events.map((event) => event.occurredAt),
    events.map((event) => JSON.stringify(event.data)),
  ]);
}
