import pg from 'pg';
import type { Database, DeadlineScope, PoolStats, Queryable, QueryResult } from './database.ts';
import { translateDatabaseError } from './database-errors.ts';
import { budgetMs, setTimeoutSql, timeoutBucketMs } from './deadline.ts';

export interface PgDatabaseOptions {
  readonly url: string;
  readonly maxConnections?: number;
  /** How long a caller may wait for a pooled connection. */
  readonly connectTimeoutMs?: number;
  readonly applicationName?: string;
  /** An idle pooled connection failed (server restart, network): told here, then replaced. */
  readonly onIdleClientError?: (error: Error) => void;
}

// int8 arrives as a string from pg (PGlite returns numbers). Our int8 columns hold money and
// counts bounded well below 2^53 by the domain, so parse to number, refusing anything unsafe.
// Installed per pool (not on pg's process-wide registry) so other pg users are unaffected.
const int8Oid = 20;
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} exceeds the safe integer range`);
  return value;
}
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8Oid ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

async function run<Row>(client: pg.PoolClient, sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
  // pg's typings want a mutable array; it never mutates the values.
  const result = await client.query(sql, params as unknown[]);
  // The caller declares the row shape next to its SQL; the contract suite checks it on both engines.
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
}

/**
 * A `Database` over a node-postgres pool.
 *
 * Deadlines: each pooled connection carries a session `statement_timeout`, re-`SET` only when
 * the caller's bucketed budget (see `timeoutBucketMs`) differs from the one in force, so the
 * common request pays no extra round trip, and no statement may run longer than its budget.
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
    types,
  });
  let closing: Promise<void> | undefined;
  // An idle client losing its server must not crash the process; the next checkout reconnects.
  pool.on('error', (error) => options.onIdleClientError?.(error));
  // The statement_timeout each connection's session runs under (absent = unknown).
  const timeoutInForce = new WeakMap<pg.PoolClient, number>();

  /** SQL to put before the next statement so the timeout in force fits the budget, or ''. */
  function timeoutFix(client: pg.PoolClient, scope: DeadlineScope): string {
    const wanted = timeoutBucketMs(budgetMs(scope));
    if (timeoutInForce.get(client) === wanted) return '';
    timeoutInForce.set(client, wanted);
    return setTimeoutSql(wanted);
  }

  async function withClient<T>(scope: DeadlineScope, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    budgetMs(scope);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw translateDatabaseError(error, false);
    }
    let broken = false;
    try {
      return await work(client);
    } catch (error) {
      // After a failure the session state is uncertain: forget the timeout, roll back any transaction.
      timeoutInForce.delete(client);
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw translateDatabaseError(error, Date.now() >= scope.deadline);
    } finally {
      client.release(broken);
    }
  }

  /** A transaction's statements: budget checked first, timeout lowered as the budget shrinks. */
  function bounded(client: pg.PoolClient, scope: DeadlineScope): Queryable {
    return {
      async query<Row>(sql: string, params: readonly unknown[] = []) {
        const fix = timeoutFix(client, scope);
        if (fix !== '') await client.query(fix);
        return run<Row>(client, sql, params);
      },
    };
  }

  function transaction<T>(scope: DeadlineScope, work: (tx: Queryable) => Promise<T>): Promise<T> {
    return withClient(scope, async (client) => {
      // A SET inside the transaction would be undone by ROLLBACK; one before BEGIN rides along.
      const fix = timeoutFix(client, scope);
      await client.query(fix === '' ? 'BEGIN' : `${fix}; BEGIN`);
      const result = await work(bounded(client, scope));
      await client.query('COMMIT');
      return result;
    });
  }

  return {
    dialect: 'postgres',
    transaction,
    query: (scope, sql, params) => withClient(scope, (client) => bounded(client, scope).query(sql, params)),
    async session(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw translateDatabaseError(error, false);
      });
      try {
        // A session (migrations, CLI) runs without a deadline; reset whatever a request left.
        await client.query('SET statement_timeout = 0');
        timeoutInForce.delete(client);
        return await work({
          query: (sql, params = []) => run(client, sql, params),
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
      await withClient({ deadline: Date.now() + timeoutMs }, (client) => client.query('SELECT 1'));
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
