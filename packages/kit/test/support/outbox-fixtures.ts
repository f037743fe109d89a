import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/index.ts';
import type { EventBus, EventMessage } from '../../src/events/index.ts';
import { inboxTableSql } from '../../src/inbox/index.ts';
import { outboxRelaySupportSql, outboxRowsWritten } from '../../src/outbox/index.ts';

/** A service's outbox table as the contract in outbox-table.sql.ts describes it, plus the kit's DDL. */
export const outboxSetupSql = `CREATE TABLE outbox (
  id text PRIMARY KEY, tenant_id text NOT NULL, type text NOT NULL, aggregate_type text NOT NULL,
  aggregate_id text NOT NULL, aggregate_version integer NOT NULL, occurred_at timestamptz NOT NULL,
  data jsonb NOT NULL, published_at timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
CREATE TABLE effects (consumer text NOT NULL, event_id text NOT NULL, applied_at timestamptz NOT NULL);
${outboxRelaySupportSql}
${inboxTableSql}`;

const scope = () => ({ deadline: Date.now() + 10_000 });

let sequence = 0;
/** Time-sortable ids unique within the run: a test prefix, then a zero-padded counter. */
export function eventId(): string {
  sequence += 1;
  return `evt_${String(sequence).padStart(9, '0')}_${randomBytes(3).toString('hex')}`;
}

/** Inserts one row per version 1…versions of aggregate `aggregateId`, each in its own transaction. */
export async function insertEvents(db: Database, aggregateId: string, fromVersion: number, toVersion: number) {
  const ids: string[] = [];
  for (let version = fromVersion; version <= toVersion; version += 1) {
    const id = eventId();
    ids.push(id);
    // A transaction, as a service writes its events, so a notifying database wakes the relays.
    await db.transaction(scope(), async (tx) => {
      await tx.query(
        `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, headers)
       VALUES ($1, 'ten_1', 'thing.changed', 'thing', $2, $3, now(), $4, $5)`,
        [id, aggregateId, version, JSON.stringify({ version }), JSON.stringify({ 'x-request-id': `req_${id}` })],
      );
      outboxRowsWritten(tx);
    });
  }
  return ids;
}

export async function unpublishedCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(
    scope(),
    'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
  );
  return Number(rows[0]?.n);
}

/** Waits until `check` holds, polling every 20 ms, failing after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An EventBus test double: records every publish call, and fails while `failing` is set. */
export function recordingBus(): EventBus & { published: EventMessage[]; failing: boolean; calls: number } {
  const bus = {
    name: 'recording',
    published: [] as EventMessage[],
    failing: false,
    calls: 0,
    async publish(messages: readonly EventMessage[], signal: AbortSignal) {
      bus.calls += 1;
      signal.throwIfAborted();
      if (bus.failing) throw new Error('broker unreachable (test double)');
      // Yield as a broker round trip would, so racing relays interleave.
      await new Promise((resolve) => setImmediate(resolve));
      bus.published.push(...messages);
    },
    subscribe(): never {
      throw new Error('the recording bus has no subscribers');
    },
    async close() {},
  };
  return bus;
}
