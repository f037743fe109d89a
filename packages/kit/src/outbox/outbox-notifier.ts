import type { Logger } from 'pino';
import type { Database, Queryable } from '../db/database.ts';
import { outboxNotifyChannel } from './outbox-table.sql.ts';

/** A `Database` whose commits wake the outbox relays, and the means to stop doing so. */
export interface NotifyingDatabase {
  readonly db: Database;
  /** Waits for the NOTIFY in flight, if any; later commits notify nothing. */
  close(): Promise<void>;
}

/** The transactions that wrote outbox rows (weakly held: nothing outlives its transaction). */
const wroteOutboxRows = new WeakSet<Queryable>();

/**
 * Says that `tx` wrote outbox rows, so that its commit through {@link notifyingOutboxWrites}
 * wakes the relays. Call it from whatever inserts the rows, inside the transaction. A transaction
 * that wrote none notifies nothing (a payment's first transaction records the attempt only): one
 * round trip saved per such commit. A forgotten call loses no event, only the wake-up: the relays
 * find the rows on their next poll.
 */
export function outboxRowsWritten(tx: Queryable): void {
  wroteOutboxRows.add(tx);
}

/** Settings of {@link notifyingOutboxWrites}. */
export interface NotifyOptions {
  /**
   * Budget of one NOTIFY. Default 5 s. Give it the requests' own budget (the service's request
   * timeout): the NOTIFY runs on a connection the requests share, which re-`SET`s its
   * `statement_timeout` whenever a caller's budget falls in another bucket (ADR 0005); a 2 s
   * budget here cost two `SET` round trips per NOTIFY, about 3 of a payment's 40 statements.
   */
  readonly timeoutMs?: number;
}

/**
 * Wraps the database the service writes its outbox rows through: after every committed
 * transaction that wrote outbox rows ({@link outboxRowsWritten}) it sends `NOTIFY keelson_outbox`
 * in a statement of its own, at most one at a time (commits that land meanwhile are folded into
 * one more), so the relays wake at once.
 *
 * Why not a trigger: PostgreSQL serializes the commits of transactions that issued a NOTIFY (a
 * database-wide lock taken before the commit record is flushed), so a NOTIFY inside every write
 * transaction cost 36-43 % of single-row INSERT throughput here (16 clients, PostgreSQL 15).
 * A NOTIFY alone in its own statement has no commit record to flush and holds that lock for
 * microseconds. A lost NOTIFY (the process dies after a commit) costs one poll interval.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { notifyingOutboxWrites, outboxRowsWritten } from '@keelson/kit/outbox';
 * const writes = notifyingOutboxWrites(await createPgliteDatabase({}), pino());
 * await writes.db.transaction({ deadline: Date.now() + 1_000 }, async (tx) => {
 *   await tx.query('SELECT 1'); // an INSERT INTO outbox in a real service
 *   outboxRowsWritten(tx);
 * });
 * await writes.close();
 * ```
 */
export function notifyingOutboxWrites(db: Database, logger: Logger, options: NotifyOptions = {}): NotifyingDatabase {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let closed = false;

  async function send(): Promise<void> {
    do {
      again = false;
      try {
        await db.query({ deadline: Date.now() + timeoutMs }, 'SELECT pg_notify($1, $2)', [outboxNotifyChannel, '']);
      } catch (error) {
        // Only a wake-up is lost: the relays' polling finds the rows.
        logger.debug({ err: error }, 'outbox notify failed; relays will find the rows by polling');
      }
    } while (again && !closed);
    inFlight = undefined;
  }

  function committed(): void {
    if (closed) return;
    if (inFlight !== undefined) {
      again = true;
      return;
    }
    inFlight = send();
  }

  return {
    db: {
      ...db,
      async transaction(scope, work) {
        let wrote = false;
        const result = await db.transaction(scope, async (tx) => {
          const value = await work(tx);
          wrote = wroteOutboxRows.has(tx);
          return value;
        });
        if (wrote) committed();
        return result;
      },
    },
    async close() {
      closed = true;
      await inFlight;
    },
  };
}
