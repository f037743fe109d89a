import { AppError, isAppError } from '../errors/index.ts';
import { deadlineDuringCall } from './deadline.ts';

/** SQLSTATEs and socket errors that mean "the database is not there right now". */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08003',
  '08006',
]);

function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/**
 * Translates a driver failure into the error taxonomy, once, at the adapter boundary.
 * AppErrors raised by the caller's own work pass through untouched.
 */
export function translateDatabaseError(error: unknown, deadlinePassed: boolean): unknown {
  if (isAppError(error)) return error;
  const code = sqlState(error);
  // 57014 is also raised by pg_cancel_backend; only our own statement timeouts (set from
  // deadlines) or a passed deadline mean the caller ran out of time.
  const statementTimeout = error instanceof Error && error.message.includes('statement timeout');
  if (code === '57014' && (deadlinePassed || statementTimeout)) {
    return deadlineDuringCall(error);
  }
  if (code === '40P01' || code === '40001') {
    // Deadlock or serialization failure: nothing was committed and a retry may succeed.
    return new AppError('unavailable', 'transaction_aborted', 'The transaction collided with another; retry.', {
      cause: error,
    });
  }
  if (code !== undefined && unavailableCodes.has(code)) {
    return new AppError('unavailable', 'database_unavailable', 'The database is unavailable.', { cause: error });
  }
  if (
    error instanceof Error &&
    /timeout exceeded when trying to connect|Connection terminated|not queryable/i.test(error.message)
  ) {
    return new AppError('unavailable', 'database_unavailable', 'The database is unavailable.', { cause: error });
  }
  return error;
}

/** Whether a failure is a unique-constraint violation on the named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlState(error) !== '23505') return false;
  if (constraint === undefined) return true;
  return typeof error === 'object' && error !== null && 'constraint' in error && error.constraint === constraint;
}
