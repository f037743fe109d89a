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
}

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/**
 * The one query layer over PostgreSQL (`pg` pool) and embedded PGlite.
 * Every request-driven statement runs inside `transaction`, whose `statement_timeout`
 * is the caller's remaining budget, so a slow query can never outlive its request.
 */
export interface Database {
  readonly dialect: 'postgres' | 'pglite';
  transaction<T>(scope: DeadlineScope, work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * One dedicated connection outside any request (migrations, CLI, advisory locks):
   * no deadline is applied, and statements run in autocommit mode.
   */
  session<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Cheap liveness probe used by `/readyz`; rejects after `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  stats(): PoolStats;
  close(): Promise<void>;
}
