import type { Queryable } from '../db/database.ts';

/**
 * Records that `consumer` applied event `eventId`, inside the transaction that applies the
 * effect. Returns false when it was recorded before: the caller then applies nothing, and the
 * transaction commits nothing new. Two deliveries racing on PostgreSQL serialize on the primary
 * key: the second waits for the first to commit, then finds the row.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { inboxTableSql, recordInInbox } from '@keelson/kit/inbox';
 * const db = await createPgliteDatabase({});
 * await db.session((session) => session.runScript(inboxTableSql));
 * await db.transaction({ deadline: Date.now() + 1_000 }, async (tx) => {
 *   if (!(await recordInInbox(tx, 'fulfillment', 'evt_1', new Date()))) return; // seen: nothing to do
 *   // … the effect, in the same transaction
 * });
 * ```
 */
export async function recordInInbox(tx: Queryable, consumer: string, eventId: string, at: Date): Promise<boolean> {
  const { rowCount } = await tx.query(
    'INSERT INTO inbox (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [consumer, eventId, at],
  );
  return rowCount === 1;
}

/**
 * Whether `consumer` has applied `eventId` (a read outside any effect: tests, replay checks).
 *
 * @example
 * ```ts
 * import { createPgliteDatabase, autocommit } from '@keelson/kit/db';
 * import { inInbox } from '@keelson/kit/inbox';
 * const db = await createPgliteDatabase({});
 * const seen: boolean = await inInbox(autocommit(db, { deadline: Date.now() + 1_000 }), 'fulfillment', 'evt_1');
 * ```
 */
export async function inInbox(db: Queryable, consumer: string, eventId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [consumer, eventId]);
  return rows.length > 0;
}
