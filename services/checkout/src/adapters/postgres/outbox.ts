import type { RequestContext } from '@keelson/kit/context';
import type { Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import { outboxRowsWritten } from '@keelson/kit/outbox';
import type { DomainEvent } from '../../domain/events.ts';

/** The columns an event row is written with, in the order of {@link outboxRowValues}. */
export const outboxColumns =
  'id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, headers';

/** One event row. */
const insertOutboxSql = `INSERT INTO outbox (${outboxColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/** Transport headers an event carries from the request that caused it (lower-case names). */
export type EventHeaders = Readonly<Record<string, string>>;

/** The request id always; the caller's W3C traceparent when it sent one. */
export function eventHeaders(ctx: Pick<RequestContext, 'requestId' | 'traceparent'>): EventHeaders {
  return ctx.traceparent === undefined
    ? { 'x-request-id': ctx.requestId }
    : { 'x-request-id': ctx.requestId, traceparent: ctx.traceparent };
}

/** One event row's values, in {@link outboxColumns}' order; its id is drawn now. */
export function outboxRowValues(
  newId: IdGenerator,
  tenantId: string,
  event: DomainEvent,
  headers: EventHeaders,
): unknown[] {
  return [
    newId('evt'),
    tenantId,
    event.type,
    event.aggregateType,
    event.aggregateId,
    event.aggregateVersion,
    event.occurredAt,
    JSON.stringify(event.data),
    JSON.stringify(headers),
  ];
}

/**
 * Several event rows in one statement, in the order given (a payment's settlement writes two or
 * three events: one round trip instead of one each, inside a transaction holding the order's lock).
 * `$1` the tenant, `$2` the headers, `$3`… the arrays of {@link outboxRowsValues}; `$` numbers
 * from `first` on, so a larger statement can embed it (settlement.ts).
 */
export function insertOutboxRowsSql(first = 1): string {
  const $ = (n: number) => `$${first + n - 1}`;
  return `INSERT INTO outbox (${outboxColumns})
       SELECT e.id, ${$(1)}, e.type, e.aggregate_type, e.aggregate_id, e.aggregate_version, e.occurred_at, e.data, ${$(2)}
       FROM unnest(${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::text[], ${$(7)}::int[], ${$(8)}::timestamptz[], ${$(9)}::jsonb[])
         WITH ORDINALITY AS e(id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, n)
       ORDER BY e.n`;
}

/**
 * The values of {@link insertOutboxRowsSql}: tenant, headers, then one array per column. Ids
 * are drawn in event order: the relay publishes an aggregate's events in id order.
 */
export function outboxRowsValues(
  newId: IdGenerator,
  tenantId: string,
  events: readonly DomainEvent[],
  headers: EventHeaders,
): unknown[] {
  return [
    tenantId,
    JSON.stringify(headers),
    events.map(() => newId('evt')),
    events.map((event) => event.type),
    events.map((event) => event.aggregateType),
    events.map((event) => event.aggregateId),
    events.map((event) => event.aggregateVersion),
    events.map((event) => event.occurredAt),
    events.map((event) => JSON.stringify(event.data)),
  ];
}

/** {@link insertOutboxRowsSql} on its own, built once. */
const insertOutboxRowsFromFirst = insertOutboxRowsSql();

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
  // The commit then wakes the relays (kit outbox: transactions that wrote no row notify nothing).
  outboxRowsWritten(tx);
  if (events.length === 1) {
    await tx.query(insertOutboxSql, outboxRowValues(newId, tenantId, only, headers));
    return;
  }
  await tx.query(insertOutboxRowsFromFirst, outboxRowsValues(newId, tenantId, events, headers));
}
