/**
 * The table behind {@link recordInInbox}: one row per event a consumer has applied, written in
 * the same transaction as the effect. A service ships it in one of its migrations.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { inboxTableSql } from '@keelson/kit/inbox';
 * const db = await createPgliteDatabase({});
 * await db.session((session) => session.runScript(inboxTableSql));
 * ```
 */
export const inboxTableSql = `-- Inbox (@keelson/kit/inbox): (consumer, event id) recorded with the consumer's effect, so a
-- redelivered event finds its row and applies nothing. Pruned with the published outbox rows.
CREATE TABLE inbox (
  consumer      text NOT NULL,
  event_id      text NOT NULL,
  processed_at  timestamptz NOT NULL,
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_processed_idx ON inbox (processed_at);
`;

/** Reverts {@link inboxTableSql} (development only). */
export const inboxTableUndoSql = 'DROP TABLE inbox;\n';
