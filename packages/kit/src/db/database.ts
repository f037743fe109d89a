/** Rows as the driver returns them; adapters map them to domain types. */
export interface QueryResult<Row> {
  readonly rows: Row[];
  readonly rowCount: number;
}

/** Anything that can run one parameterized statement: a pool, a transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
}

/** A dedicated connection that can also run multi-statement scripts. */
export interface Session extends Queryable {
  runScript(sql: string): Promise<void>;
}

/** The part of a request context a transaction needs: its deadline. */
export interface DeadlineScope {
  /** Absolute deadline, epoch milliseconds. */
  readonly deadline: number;
  /** The caller's W3C traceparent (a request context has one): statement spans are its children. */
  readonly traceparent?: string | undefined;
}

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * The one query layer over PostgreSQL (`pg` pool) and embedded PGlite.
 * Every request-driven statement is bounded by the caller's deadline: none starts once it has
 * passed, and on PostgreSQL the `statement_timeout` in force never exceeds the time left.
 */
export interface Database {
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(scope: DeadlineScope, work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** One statement in autocommit mode (a single round trip in the common case). */
  query<Row = Record<string, unknown>>(
    scope: DeadlineScope,
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>>;
  /**
   * One dedicated connection outside any request (migrations, CLI, advisory locks):
   * no deadline is applied, and statements run in autocommit mode.
   */
  session<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` for every `NOTIFY` on `channel` (PostgreSQL delivers it when the notifying
   * transaction commits). On PostgreSQL this holds one dedicated connection outside the pool;
   * when it drops, `onLost` is told once and the caller listens again. Resolves once listening,
   * with the function that stops.
   */
  listen(channel: string, onNotify: () => void, onLost: (error: Error) => void): Promise<() => Promise<void>>;
  /** Cheap liveness probe used by `/readyz`; rejects after `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  stats(): PoolStats;
  close(): Promise<void>;
}

/**
 * A `Queryable` whose statements each run on their own in autocommit mode: for reads that need
 * no snapshot across statements (e.g. rows that never change once written).
 */
export function autocommit(db: Pick<Database, 'query'>, scope: DeadlineScope): Queryable {
  return { query: (sql, params) => db.query(scope, sql, params) };
}
