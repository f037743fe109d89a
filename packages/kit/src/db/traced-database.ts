import { isSampled, SpanKind, SpanStatusCode, type Tracing, traceparentOf } from '../telemetry/index.ts';
import type { Database, Queryable } from './database.ts';

const operation = /^\s*(select|insert|update|delete|with|lock|create|alter|drop|notify|listen)\b/i;
const table = /\b(?:from|into|update|join)\s+([a-z_][a-z0-9_]*)/i;

/**
 * `SELECT orders`, `INSERT outbox`: the statement's kind and first table, as OpenTelemetry's
 * database conventions name a span. Never a value: parameters are not looked at.
 */
export function statementName(sql: string): { readonly operation: string; readonly table: string | undefined } {
  return { operation: (operation.exec(sql)?.[1] ?? 'sql').toUpperCase(), table: table.exec(sql)?.[1]?.toLowerCase() };
}

/**
 * The database with a CLIENT span per statement, children of the caller's traceparent; a
 * transaction is one span with its statements inside. Without tracing, the database itself;
 * without a traceparent in the scope, the statement runs untraced.
 */
export function traceDatabase(db: Database, tracing: Tracing): Database {
  if (!tracing.enabled) return db;
  const traced = async <T>(parent: string | undefined, sql: string, run: () => Promise<T>): Promise<T> => {
    // Statements outside any trace (a relay's poll, a purge timer) would each start a trace of
    // their own, drowning the ones that matter: they run untraced.
    // An unsampled trace records nothing below it: no span to make, not even a non-recording one.
    if (parent === undefined || !isSampled(parent)) return run();
    const { operation: kind, table: name } = statementName(sql);
    const span = tracing.startSpan(name === undefined ? kind : `${kind} ${name}`, {
      kind: SpanKind.CLIENT,
      parent,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': kind,
        ...(name === undefined ? {} : { 'db.collection.name': name }),
      },
    });
    try {
      return await run();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
      throw error;
    } finally {
      span.end();
    }
  };
  return {
    query: (scope, sql, params) => traced(scope.traceparent, sql, () => db.query(scope, sql, params)),
    async transaction(scope, work) {
      if (scope.traceparent === undefined || !isSampled(scope.traceparent)) return db.transaction(scope, work);
      const span = tracing.startSpan('transaction', {
        kind: SpanKind.CLIENT,
        parent: scope.traceparent,
        attributes: { 'db.system.name': 'postgresql' },
      });
      const parent = traceparentOf(span);
      try {
        return await db.transaction(scope, (tx) => {
          const tracedTx: Queryable = { query: (sql, params) => traced(parent, sql, () => tx.query(sql, params)) };
          return work(tracedTx);
        });
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
    session: (work) => db.session(work),
    listen: (channel, onNotify, onLost) => db.listen(channel, onNotify, onLost),
    ping: (timeoutMs) => db.ping(timeoutMs),
    stats: () => db.stats(),
    close: () => db.close(),
  };
}
