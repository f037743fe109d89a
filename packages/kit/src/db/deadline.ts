import { AppError } from '../errors/index.ts';
import type { DeadlineScope, Queryable } from './database.ts';

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

/**
 * Wraps a transaction's connection so the deadline holds per statement, not only at BEGIN:
 * each statement first checks the budget (no I/O once it is spent), and when less than half
 * of the `statement_timeout` in force is left, lowers it to the remainder first. A statement
 * can so overrun the deadline by at most the remaining budget, at the price of one extra round
 * trip only in transactions that have used over half of their time.
 */
export function deadlineBound(
  tx: Queryable,
  scope: DeadlineScope,
  initialTimeoutMs: number,
  enforced: boolean,
): Queryable {
  let timeoutInForce = initialTimeoutMs;
  return {
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const left = budgetMs(scope);
      if (enforced && left < timeoutInForce / 2) {
        await tx.query(setLocalTimeoutSql(left));
        timeoutInForce = left;
      }
      return tx.query<Row>(sql, params);
    },
  };
}
