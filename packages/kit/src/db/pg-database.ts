import pg from 'pg';
import type { Database, DeadlineScope, PoolStats, Queryable, QueryResult } from './database.ts';
import { translateDatabaseError } from './database-errors.ts';
import { budgetMs, deadlineBound, setLocalTimeoutSql } from './deadline.ts';

export interface PgDatabaseOptions {
  readonly url: string;
  readonly maxConnections?: number;
  /** How long a caller may wait for a pooled connection. */
  readonly connectTimeoutMs?: number;
  readonly applicationName?: string;
}

// int8 arrives as a string from pg (PGlite returns numbers). Our int8 columns hold money and
// counts bounded well below 2^53 by the domain, so parse to number, refusing anything unsafe.
pg.types.setTypeParser(pg.types.builtins.INT8, (text) => {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} exceeds the safe integer range`);
  return value;
});

function asQueryable(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
      // pg's typings want a mutable array; it never mutates the values.
      const result = await client.query(sql, params as unknown[]);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
  };
}

/**
 * A `Database` over a node-postgres pool.
 *
 * @example
 * ```ts
 * import { createPgDatabase } from '@keelson/kit/db';
 * const db = createPgDatabase({ url: 'postgres://postgres@127.0.0.1:5432/postgres' });
 * await db.transaction({ deadline: Date.now() + 1_000 }, (tx) => tx.query('SELECT 1'));
 * await db.close();
 * ```
 */
export function createPgDatabase(options: PgDatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    application_name: options.applicationName ?? 'keelson',
  });
  let closing: Promise<void> | undefined;
  // An idle client losing its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});

  async function transaction<T>(scope: DeadlineScope, work: (tx: Queryable) => Promise<T>): Promise<T> {
    budgetMs(scope);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw translateDatabaseError(error, false);
    }
    let broken = false;
    try {
      // Re-measure after waiting for a connection; BEGIN and SET LOCAL go in one round trip.
      const timeoutMs = budgetMs(scope);
      await client.query(`BEGIN; ${setLocalTimeoutSql(timeoutMs)}`);
      const result = await work(deadlineBound(asQueryable(client), scope, timeoutMs, true));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw translateDatabaseError(error, Date.now() >= scope.deadline);
    } finally {
      client.release(broken);
    }
  }

  return {
    dialect: 'postgres',
    transaction,
    async session(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw translateDatabaseError(error, false);
      });
      try {
        const queryable = asQueryable(client);
        return await work({
          query: queryable.query,
          runScript: async (sql) => {
            // Without parameters pg uses the simple protocol, which accepts several statements.
            await client.query(sql);
          },
        });
      } finally {
        client.release();
      }
    },
    async ping(timeoutMs) {
      await transaction({ deadline: Date.now() + timeoutMs }, (tx) => tx.query('SELECT 1'));
    },
    stats(): PoolStats {
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
    // Idempotent: shutdown and test teardown may both close the same database.
    close: () => {
      closing ??= pool.end();
      return closing;
    },
  };
}
