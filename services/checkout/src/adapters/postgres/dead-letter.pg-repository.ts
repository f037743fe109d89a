import type { Database, Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { DeadLetterSink } from '@keelson/kit/jobs';
import type { DeadLetterRepository } from '../../app/ports.ts';
import type { DeadLetterSource, DeadLetterState, DeadLetterStatus } from '../../domain/dead-letter.ts';
import { fail } from '../../domain/errors.ts';
import { checkedRows, pageOf } from './cursor.ts';

/**
 * Re-applies one dead letter inside the transaction that marks it replayed: a job is enqueued
 * again, an event handed back to its consumer, a delivery scheduled again. Throwing rolls the
 * mark back. `traceparent`: the replaying request's, for the work it enqueues to continue.
 */
export type DeadLetterReplayer = (
  tx: Queryable,
  letter: DeadLetterState,
  traceparent: string | undefined,
) => Promise<void>;

/** One replayer per source; a source without one cannot be replayed from this process. */
export type DeadLetterReplayers = Partial<Readonly<Record<DeadLetterSource, DeadLetterReplayer>>>;

interface DeadLetterRow {
  id: string;
  tenant_id: string | null;
  source: DeadLetterSource;
  name: string;
  message_key: string;
  payload: unknown;
  attempts: number;
  last_error: string;
  created_at: Date;
  status: DeadLetterStatus;
  resolved_at: Date | null;
}

const columns =
  'id, tenant_id, source, name, message_key, payload, attempts, last_error, created_at, status, resolved_at';

function fromRow(row: DeadLetterRow): DeadLetterState {
  return {
    id: row.id,
    tenantId: row.tenant_id ?? undefined,
    source: row.source,
    name: row.name,
    messageKey: row.message_key,
    payload: row.payload,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    status: row.status,
    resolvedAt: row.resolved_at ?? undefined,
  };
}

/**
 * The jobs worker's dead-letter sink: one row, in the worker's transaction that deletes the job.
 * A job dead-lettered twice (a lease lost and the move repeated) is recorded once.
 */
export function jobDeadLetterSink(newId: IdGenerator): DeadLetterSink {
  return async (tx, letter) => {
    await tx.query(
      `INSERT INTO dead_letters (id, tenant_id, source, name, message_key, payload, attempts, last_error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::timestamptz)
       ON CONFLICT (source, name, message_key) DO NOTHING`,
      [
        newId('dlq'),
        letter.tenantId ?? null,
        letter.source,
        letter.name,
        letter.messageKey,
        JSON.stringify(letter.payload ?? null),
        letter.attempts,
        letter.lastError,
        letter.createdAt,
      ],
    );
  };
}

export function createDeadLetterPgRepository(db: Database, replayers: DeadLetterReplayers): DeadLetterRepository {
  return {
    async list(ctx, filter) {
      // Ids of every source sort by creation time (ULIDs), whatever their prefix.
      const { refusal, rows } = await checkedRows<DeadLetterRow, 'cursor'>(db, ctx, {
        refusal: `CASE WHEN $1::text IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM dead_letters WHERE id = $1 AND ($2::text IS NULL OR source = $2)) THEN 'cursor' END`,
        pageSql: `SELECT ${columns} FROM dead_letters
                  WHERE ($1::text IS NULL OR id < $1) AND ($2::text IS NULL OR source = $2)
                  ORDER BY id DESC LIMIT $3`,
        params: [filter.startingAfter ?? null, filter.source ?? null, filter.limit + 1],
      });
      if (refusal !== null)
        fail('invalid', 'invalid_cursor', 'starting_after does not name a dead letter of this list.');
      return pageOf(rows.map(fromRow), filter.limit);
    },

    async get(ctx, id) {
      const { rows } = await db.query<DeadLetterRow>(ctx, `SELECT ${columns} FROM dead_letters WHERE id = $1`, [id]);
      return rows[0] === undefined ? undefined : fromRow(rows[0]);
    },

    resolve(ctx, id, resolve) {
      return db.transaction(ctx, async (tx) => {
        const { rows } = await tx.query<DeadLetterRow>(`SELECT ${columns} FROM dead_letters WHERE id = $1 FOR UPDATE`, [
          id,
        ]);
        const row = rows[0] ?? fail('not_found', 'dead_letter_not_found', `No such dead letter: ${id}.`);
        const next = resolve(fromRow(row));
        const replayer = next.status === 'replayed' ? replayers[next.source] : undefined;
        if (next.status === 'replayed' && replayer === undefined) {
          fail(
            'conflict',
            'dead_letter_not_replayable',
            `No replayer for ${next.source} dead letters is registered in this service; nothing was changed.`,
          );
        }
        await tx.query('UPDATE dead_letters SET status = $2, resolved_at = $3::timestamptz WHERE id = $1', [
          id,
          next.status,
          next.resolvedAt ?? null,
        ]);
        await replayer?.(tx, next, ctx.traceparent);
        return next;
      });
    },
  };
}
