import pg from 'pg';
import type { Database, DeadlineScope, PoolStats, Queryable, QueryResult } from './database.ts';
import { translateDatabaseError } from './database-errors.ts';
import { budgetMs, deadlineDuringCall, deadlineWhileWaiting, setTimeoutSql, timeoutBucketMs } from './deadline.ts';

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
 * How long past a deadline a call may wait for the server's own answer before its connection
 * is destroyed (a stalled network). Small against any deadline, large against a loaded event loop.
 */
const networkGraceMs = 100;

/**
 * The backstop's delay, `networkGraceMs` to twice that past the deadline. Node keeps one timer
 * list per distinct delay: delays a millisecond apart each created a list and removed it again
 * (a priority-queue insert and removal per call, 1.6 % of a cold read's CPU); rounded up to the
 * grace, the calls in flight share a list or two.
 */
function backstopDelayMs(deadline: number, now: number): number {
  return Math.ceil((deadline - now + networkGraceMs) / networkGraceMs) * networkGraceMs;
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

  /**
   * A pooled connection, waited for no longer than the deadline (the pool's own
   * `connectTimeoutMs` bounds opening a new one). A connection handed over after the caller
   * gave up goes straight back.
   */
  async function checkout(scope: DeadlineScope): Promise<pg.PoolClient> {
    // An idle connection and nobody ahead: pg-pool hands it over at once, so there is no wait to
    // bound (the timer and the race were 1.5 % of a cold read's CPU).
    if (pool.idleCount > 0 && pool.waitingCount === 0) {
      try {
        return await pool.connect();
      } catch (error) {
        throw translateDatabaseError(error, false);
      }
    }
    const pending = pool.connect();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(deadlineWhileWaiting()), Math.max(0, scope.deadline - Date.now()));
    });
    try {
      return await Promise.race([pending, late]);
    } catch (error) {
      pending.then(
        (client) => client.release(),
        () => {},
      );
      throw translateDatabaseError(error, false);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs `work` on a lent connection, which is destroyed instead of returned when it failed:
   * - an `'error'` listener stays attached while it is lent out: pg-pool removes its own, and a
   *   backend terminated or a socket dropped mid-query would otherwise be an unhandled
   *   `'error'` event that ends the process (STACK.md pitfall 10);
   * - a timer just past the deadline destroys the socket: `statement_timeout` is enforced by
   *   the server, so it never fires when the network stalls (pitfall 11). The server's timeout
   *   stays the first line (it ends at or before the deadline and keeps the connection); the
   *   timer is the backstop, 100–200 ms later (`backstopDelayMs`), so a live server's own
   *   answer wins the race. A COMMIT cut off this way has an unknown outcome, which is what
   *   `deadline_exceeded` already tells the caller.
   */
  async function withClient<T>(scope: DeadlineScope, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    budgetMs(scope);
    const client = await checkout(scope);
    // The connection's own failure (backend terminated, socket dropped): the root cause, since
    // statements issued after it only say that the client "is not queryable".
    let lost: Error | undefined;
    let rollbackFailed: Error | undefined;
    let expired = false;
    const onError = (error: Error): void => {
      lost ??= error;
    };
    client.on('error', onError);
    let released = false;
    const release = (error?: Error): void => {
      if (released) return;
      released = true;
      client.off('error', onError);
      // With an error pg-pool ends the client, destroying the socket if a query is active.
      client.release(error);
    };
    const timer = setTimeout(
      () => {
        expired = true;
        release(new Error('request deadline passed while the database call was running'));
      },
      backstopDelayMs(scope.deadline, Date.now()),
    );
    try {
      return await work(client);
    } catch (error) {
      // After a failure the session state is uncertain: forget the timeout, roll back any transaction.
      timeoutInForce.delete(client);
      if (!released && lost === undefined) {
        await client.query('ROLLBACK').catch((failure: unknown) => {
          rollbackFailed = failure instanceof Error ? failure : new Error(String(failure));
        });
      }
      if (expired) throw deadlineDuringCall(error);
      throw translateDatabaseError(lost ?? error, Date.now() >= scope.deadline);
    } finally {
      clearTimeout(timer);
      release(lost ?? rollbackFailed);
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
    transaction,
    query: (scope, sql, params) => withClient(scope, (client) => bounded(client, scope).query(sql, params)),
    async session(work) {
      const client = await pool.connect().catch((error: unknown) => {
        throw translateDatabaseError(error, false);
      });
      // As in withClient: a dropped connection must reject the work, not crash the process.
      let failure: Error | undefined;
      const onError = (error: Error): void => {
        failure ??= error;
      };
      client.on('error', onError);
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
        client.off('error', onError);
        client.release(failure);
      }
    },
    async listen(channel, onNotify, onLost) {
      const client = new pg.Client({
        connectionString: options.url,
        application_name: `${options.applicationName ?? 'keelson'}-listen`,
        connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
      });
      let stopped = false;
      let told = false;
      const lost = (error: Error): void => {
        if (stopped || told) return;
        told = true;
        onLost(error);
      };
      client.on('error', lost);
      client.on('end', () => lost(new Error('the LISTEN connection closed')));
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      } catch (error) {
        stopped = true;
        await client.end().catch(() => {});
        throw translateDatabaseError(error, false);
      }
      return async () => {
        stopped = true;
        await client.end().catch(() => {});
      };
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
