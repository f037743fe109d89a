import type { Queryable } from '../db/index.ts';

/**
 * A job (or message) that failed its last attempt, as a service records it. The kit never
 * names the service's table: the service gives the worker a {@link DeadLetterSink}.
 */
export interface DeadLetter {
  readonly source: 'job';
  /** The queue the job failed in. */
  readonly name: string;
  /** The job id: what a replay enqueues again, once. */
  readonly messageKey: string;
  readonly tenantId: string | undefined;
  readonly payload: unknown;
  readonly attempts: number;
  readonly lastError: string;
  readonly createdAt: Date;
}

/**
 * Writes a dead letter inside the transaction that removes the job, so a job is always in
 * exactly one of the two places.
 */
export type DeadLetterSink = (tx: Queryable, letter: DeadLetter) => Promise<void>;
