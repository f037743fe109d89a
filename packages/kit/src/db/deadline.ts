import { AppError } from '../errors/index.ts';
import type { DeadlineScope, Queryable } from './database.ts';

/** The deadline passed while the caller waited for a connection (pool slot or PGlite's queue). */
export function deadlineWhileWaiting(): AppError {
  return new AppError(
    'deadline_exceeded',
    'deadline_exceeded',
    'The request deadline passed while waiting for the database.',
  );
}

/** The deadline passed while a statement ran; the connection it ran on was destroyed. */
export function deadlineDuringCall(cause: unknown): AppError {
  return new AppError('deadline_exceeded', 'deadline_exceeded', 'The request deadline passed during a query.', {
    cause,
  });
}

/** Budget left for a statement, or a `deadline_exceeded` error before any I/O. */
export function budgetMs(scope: DeadlineScope, now = Date.now()): number {
  const left = Math.floor(scope.deadline - now);
  if (left <= 0) {
    throw new AppError('deadline_exceeded', 'deadline_exceeded', 'The request deadline has passed.');
  }
  return left;
}

/**
 * The `statement_timeout` to run under with `left` ms of budget: `left` rounded down to an
 * eighth of its power of two (4990 → 4608, 100 → 96). Never longer than the budget, at least
 * 7/8 of it, and the same for requests with similar budgets, so a pooled connection rarely
 * needs a new `SET` (one round trip saved).
 */
export function timeoutBucketMs(left: number): number {
  const whole = Math.max(1, Math.floor(left));
  const step = Math.max(1, 2 ** (Math.floor(Math.log2(whole)) - 3));
  return Math.floor(whole / step) * step;
}

/** `SET` cannot take bind parameters; the value is an integer we computed, so inlining is safe. */
export function setTimeoutSql(ms: number): string {
  return `SET statement_timeout = ${Math.max(1, Math.floor(ms))}`;
}

/** Checks the budget before every statement, so nothing starts once the deadline has passed. */
export function budgetChecked(tx: Queryable, scope: DeadlineScope): Queryable {
  return {
    query<Row>(sql: string, params?: readonly unknown[]) {
      budgetMs(scope);
      return tx.query<Row>(sql, params);
    },
  };
}
