import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, DeadlineScope, Queryable, QueryResult } from './database.ts';
import { translateDatabaseError } from './database-errors.ts';
import { budgetChecked, budgetMs } from './deadline.ts';
import { createSerialQueue } from './serial-queue.ts';

export interface PgliteDatabaseOptions {
  /** Directory holding the data; omit for an in-memory database (tests). */
  readonly dataDir?: string;
}

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
  if (options.dataDir !== undefined) mkdirSync(dirname(options.dataDir), { recursive: true });
  const pglite = await PGlite.create(options.dataDir);
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
