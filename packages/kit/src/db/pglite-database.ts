import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Database, DeadlineScope, Queryable, QueryResult } from './database.ts';
import { translateDatabaseError } from './database-errors.ts';
import { budgetChecked, budgetMs } from './deadline.ts';
import { createSerialQueue } from './serial-queue.ts';

export interface PgliteDatabaseOptions {
  /** Directory holding the data; omit for an in-memory database (tests). */
  readonly dataDir?: string;
  /**
   * PostgreSQL's page cache (`shared_buffers`) in MB; 32 unless set. Raise it when the working
   * set is larger than that and reads matter more than the process's memory.
   */
  readonly sharedBuffersMb?: number;
}

/**
 * initdb writes `shared_buffers = 128MB`, and PGlite zero-fills its shared memory inside the WASM
 * heap at start, so all of it is resident from the first second, however small the database.
 * At 32 MB the service idles at ~300 MB RSS instead of ~400 MB and ends a load run at ~510 MB
 * instead of ~600 MB, with GET throughput unchanged (1.01x); pages beyond the cache come back
 * through the OS page cache (random reads over a 91 MB table: 0.96x the rate at 128 MB).
 * Figures: bench/results/2026-12-01-embedded-rss.md. `initialMemory` is no lever: the WASM
 * module declares 128 MiB as its minimum and refuses less, and 32 MB of buffers fits inside it.
 */
const defaultSharedBuffersMb = 32;

function asQueryable(session: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      // PGlite's typings want a mutable array; it only reads the values.
      const result = await session.query<Row>(sql, params as unknown[]);
      // PGlite reports affectedRows 0 for a SELECT; pg's rowCount counts the rows returned.
      return { rows: result.rows, rowCount: Math.max(result.affectedRows ?? 0, result.rows.length) };
    },
  };
}

/**
 * A `Database` over embedded PGlite: same SQL and migrations as PostgreSQL, one process,
 * no server. Every access is serialized because PGlite has exactly one session.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * const db = await createPgliteDatabase({}); // in memory
 * await db.transaction({ deadline: Date.now() + 1_000 }, (tx) => tx.query('SELECT 1'));
 * await db.close();
 * ```
 */
export async function createPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  const sharedBuffersMb = options.sharedBuffersMb ?? defaultSharedBuffersMb;
  if (!Number.isInteger(sharedBuffersMb) || sharedBuffersMb < 1) {
    throw new RangeError(`sharedBuffersMb must be a whole number of MB, at least 1 (got ${sharedBuffersMb})`);
  }
  if (options.dataDir !== undefined) mkdirSync(dirname(options.dataDir), { recursive: true });
  // A start-up `-c` wins over the data directory's postgresql.conf and leaves that file alone
  // (PGlite's `postgresqlconf` option would overwrite it). PGlite's own defaults are kept.
  // Loaded here, not at import: a service on a PostgreSQL server never pays PGlite's module.
  const { PGlite: Embedded } = await import('@electric-sql/pglite');
  const pglite = await Embedded.create(options.dataDir, {
    startParams: [...Embedded.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`],
  });
  const queue = createSerialQueue();
  let closed = false;

  async function transaction<T>(scope: DeadlineScope, work: (tx: Queryable) => Promise<T>): Promise<T> {
    budgetMs(scope);
    return queue.run(async () => {
      try {
        // PGlite cannot enforce statement_timeout (no timer signals in WASM), so none is set;
        // the per-statement budget check still stops work once the deadline has passed.
        return await pglite.transaction((tx) => work(budgetChecked(asQueryable(tx), scope)));
      } catch (error) {
        throw translateDatabaseError(error, Date.now() >= scope.deadline);
      }
    }, scope.deadline);
  }

  async function query<Row>(scope: DeadlineScope, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
    budgetMs(scope);
    return queue.run(async () => {
      try {
        return await budgetChecked(asQueryable(pglite), scope).query<Row>(sql, params);
      } catch (error) {
        throw translateDatabaseError(error, Date.now() >= scope.deadline);
      }
    }, scope.deadline);
  }

  return {
    transaction,
    query,
    session: (work) =>
      queue.run(() =>
        work({
          query: asQueryable(pglite).query,
          runScript: async (sql) => {
            await pglite.exec(sql);
          },
        }),
      ),
    // One session: a NOTIFY of this process's own commits is delivered to its own listeners,
    // which is all there is in embedded mode. The session never drops, so `onLost` is unused.
    async listen(channel, onNotify) {
      const unlisten = await queue.run(() => pglite.listen(channel, () => onNotify()));
      return () => queue.run(() => unlisten());
    },
    async ping(timeoutMs) {
      await transaction({ deadline: Date.now() + timeoutMs }, (tx) => tx.query('SELECT 1'));
    },
    stats: () => ({ total: 1, idle: queue.busy ? 0 : 1, waiting: queue.waiting }),
    async close() {
      if (closed) return;
      closed = true;
      await queue.run(() => pglite.close());
    },
  };
}
