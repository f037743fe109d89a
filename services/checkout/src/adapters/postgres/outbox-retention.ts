import type { Database, DeadlineScope } from '@keelson/kit/db';

/** Rows deleted per statement: each holds its locks briefly, so the relay and writers never wait long. */
export const outboxPruneBatch = 1_000;

// SKIP LOCKED: a row the relay is working on right now is left for the next run.
const pruneSql = `
DELETE FROM outbox WHERE id IN (
  SELECT id FROM outbox
  WHERE published_at IS NOT NULL AND published_at < $1::timestamptz
  ORDER BY published_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED)`;

/**
 * Deletes outbox rows published before `publishedBefore`, in batches of `outboxPruneBatch`
 * (one autocommit statement each) until a batch comes back short; the scope's deadline bounds it.
 * Returns how many went. Unpublished rows are never touched.
 */
export async function prunePublishedOutbox(
  db: Pick<Database, 'query'>,
  scope: DeadlineScope,
  publishedBefore: Date,
): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(scope, pruneSql, [publishedBefore, outboxPruneBatch]);
    total += rowCount;
    if (rowCount < outboxPruneBatch) return total;
  }
}
