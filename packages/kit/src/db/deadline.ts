import { AppError } from '../errors/index.ts';
import type { DeadlineScope } from './database.ts';

/** Budget left for a transaction, or a `deadline_exceeded` error before any I/O. */
export function budgetMs(scope: DeadlineScope, now = Date.now()): number {
  const left = Math.floor(scope.deadline - now);
  if (left <= 0) {
    throw new AppError('deadline_exceeded', 'deadline_exceeded', 'The request deadline has passed.');
  }
  return left;
}

/** `SET LOCAL` cannot take bind parameters; the value is an integer we computed, so inlining is safe. */
export function setLocalTimeoutSql(ms: number): string {
  return `SET LOCAL statement_timeout = ${Math.max(1, Math.floor(ms))}`;
}
