import type { Database, DeadlineScope } from '../db/database.ts';
import type { EventMessage } from '../events/event-bus.ts';
import { outboxNotifyChannel } from './outbox-table.sql.ts';

interface OutboxRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly type: string;
  readonly aggregate_type: string;
  readonly aggregate_id: string;
  readonly aggregate_version: number;
  readonly occurred_at: Date;
  readonly data: unknown;
  readonly headers: Record<string, unknown> | null;
}

/**
 * Claims up to $1 rows for $2 ms. A row is claimed only when it is unpublished, unleased, not
 * locked by another relay's claim (SKIP LOCKED), and no earlier version of its aggregate is
 * still unpublished outside this very claim: an earlier row leased or locked by another relay,
 * or left behind by the LIMIT, holds the later ones back, so one aggregate's events reach the
 * bus in version order however many relays run. Versions, not ids, order an aggregate: ids
 * come from each writer's clock, versions from the row lock every writer of it takes.
 */
const claimSql = `WITH candidates AS (
    SELECT id FROM outbox
    WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
    ORDER BY id
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  ), ready AS (
    SELECT o.id FROM outbox o JOIN candidates c ON c.id = o.id
    WHERE NOT EXISTS (
      SELECT 1 FROM outbox e
      WHERE e.published_at IS NULL
        AND e.aggregate_type = o.aggregate_type AND e.aggregate_id = o.aggregate_id
        AND e.aggregate_version < o.aggregate_version
        AND e.id NOT IN (SELECT id FROM candidates)
    )
  )
  UPDATE outbox o SET claimed_until = now() + $2 * interval '1 millisecond'
  FROM ready r WHERE o.id = r.id
  RETURNING o.id, o.tenant_id, o.type, o.aggregate_type, o.aggregate_id, o.aggregate_version,
            o.occurred_at, o.data, o.headers`;

function messageOf(row: OutboxRow): EventMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(row.headers ?? {})) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return {
    id: row.id,
    type: row.type,
    tenantId: row.tenant_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    occurredAt: new Date(row.occurred_at).toISOString(),
    data: row.data,
    headers,
  };
}

/**
 * Publish order: ids ascending (roughly commit order), except that one aggregate's rows take
 * its positions in version order (RETURNING keeps no order, and ids may disagree with versions
 * when writers' clocks do).
 */
export function inPublishOrder(messages: readonly EventMessage[]): EventMessage[] {
  const byId = [...messages].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const key = (m: EventMessage) => `${m.aggregateType}\u0000${m.aggregateId}`;
  const versions = new Map<string, EventMessage[]>();
  for (const message of byId) {
    const list = versions.get(key(message)) ?? [];
    list.push(message);
    versions.set(key(message), list);
  }
  for (const list of versions.values()) list.sort((a, b) => a.aggregateVersion - b.aggregateVersion);
  const next = new Map<string, number>();
  return byId.map((message) => {
    const k = key(message);
    const index = next.get(k) ?? 0;
    next.set(k, index + 1);
    // The list holds exactly as many messages as positions of this aggregate in byId.
    return versions.get(k)?.[index] ?? message;
  });
}

/**
 * The relay's statements on the outbox table (the contract in `outbox-table.sql.ts`), also for
 * operator tools (`republish`) and the lag gauge.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { createOutboxStore } from '@keelson/kit/outbox';
 * const store = createOutboxStore(await createPgliteDatabase({}));
 * const scope = { deadline: Date.now() + 1_000 };
 * const batch = await store.claim(scope, 100, 30_000); // leased for 30 s
 * await store.markPublished(scope, batch.map((m) => m.id));
 * ```
 */
export interface OutboxStore {
  claim(scope: DeadlineScope, limit: number, leaseMs: number): Promise<EventMessage[]>;
  markPublished(scope: DeadlineScope, ids: readonly string[]): Promise<void>;
  /** Ends the lease of rows that were not published, so the next claim may take them at once. */
  release(scope: DeadlineScope, ids: readonly string[]): Promise<void>;
  /** Ends every lease: only for a relay that knows it is the only one (embedded mode). */
  releaseAll(scope: DeadlineScope): Promise<number>;
  /** Seconds since the oldest unpublished row occurred; 0 when none is waiting. */
  lagSeconds(scope: DeadlineScope): Promise<number>;
  /** Marks published rows with ids in [from, to] unpublished again; returns how many. */
  republish(scope: DeadlineScope, fromId: string, toId: string): Promise<number>;
}

/** {@link OutboxStore} over a database holding the outbox table. */
export function createOutboxStore(db: Database): OutboxStore {
  return {
    async claim(scope, limit, leaseMs) {
      const { rows } = await db.query<OutboxRow>(scope, claimSql, [limit, leaseMs]);
      return inPublishOrder(rows.map(messageOf));
    },
    async markPublished(scope, ids) {
      await db.query(scope, 'UPDATE outbox SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::text[])', [
        ids,
      ]);
    },
    async release(scope, ids) {
      await db.query(
        scope,
        'UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1::text[]) AND published_at IS NULL',
        [ids],
      );
    },
    async releaseAll(scope) {
      const { rowCount } = await db.query(
        scope,
        'UPDATE outbox SET claimed_until = NULL WHERE published_at IS NULL AND claimed_until IS NOT NULL',
      );
      return rowCount;
    },
    async lagSeconds(scope) {
      // The partial index on id finds the oldest waiting row without a scan; ids sort by time.
      const { rows } = await db.query<{ lag: number | string }>(
        scope,
        `SELECT greatest(0, extract(epoch FROM now() - occurred_at))::float8 AS lag
         FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 1`,
      );
      return rows[0] === undefined ? 0 : Number(rows[0].lag);
    },
    async republish(scope, fromId, toId) {
      return db.transaction(scope, async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE outbox SET published_at = NULL, claimed_until = NULL
           WHERE id BETWEEN $1 AND $2 AND published_at IS NOT NULL`,
          [fromId, toId],
        );
        // Wake the relays (delivered at commit): nothing else notifies for an UPDATE.
        await tx.query('SELECT pg_notify($1, $2)', [outboxNotifyChannel, '']);
        return rowCount;
      });
    },
  };
}
