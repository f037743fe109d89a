import type { Database, DeadlineScope, Queryable } from '../db/index.ts';
import { createIdGenerator, type IdGenerator } from '../ids/index.ts';

/** Attempts a job gets unless it says otherwise. */
export const defaultMaxAttempts = 5;

export interface NewJob {
  readonly queue: string;
  /** JSON-serializable; the handler validates what it reads. */
  readonly payload: unknown;
  readonly tenantId?: string;
  /** Not before this instant; now when omitted. */
  readonly runAt?: Date;
  /** At least 1; {@link defaultMaxAttempts} when omitted. */
  readonly maxAttempts?: number;
  /**
   * The W3C `traceparent` of the work that enqueues it: the job's run is a span of that trace.
   * Needs the column {@link jobsTraceContextSql} adds.
   */
  readonly traceparent?: string | undefined;
}

export interface EnqueuedJob {
  readonly id: string;
  readonly queue: string;
  readonly runAt: Date;
}

const insertJobSql = `INSERT INTO jobs (id, queue, tenant_id, payload, attempts, max_attempts, run_at, created_at, traceparent)
VALUES ($1, $2, $3, $4::jsonb, 0, $5, $6::timestamptz, $7::timestamptz, $8)`;

/** Enqueues through `tx`: inside a caller's transaction, the job exists exactly when its change commits. */
export async function insertJob(tx: Queryable, job: NewJob, id: string, now: Date): Promise<EnqueuedJob> {
  const maxAttempts = job.maxAttempts ?? defaultMaxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a whole number, at least 1 (got ${maxAttempts})`);
  }
  const runAt = job.runAt ?? now;
  await tx.query(insertJobSql, [
    id,
    job.queue,
    job.tenantId ?? null,
    JSON.stringify(job.payload ?? null),
    maxAttempts,
    runAt,
    now,
    job.traceparent ?? null,
  ]);
  return { id, queue: job.queue, runAt };
}

export interface JobQueue {
  /** Enqueues in its own autocommit statement; the job continues the scope's trace unless it names one. */
  enqueue(scope: DeadlineScope, job: NewJob): Promise<EnqueuedJob>;
  /** Enqueues inside the caller's transaction (same commit as the business change). */
  enqueueIn(tx: Queryable, job: NewJob): Promise<EnqueuedJob>;
}

/**
 * The producer side of the job queue: `job_…` ids and times from the given clock.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { createJobQueue, jobsTablesSql, jobsTraceContextSql } from '@keelson/kit/jobs';
 * const db = await createPgliteDatabase({});
 * await db.session((session) => session.runScript(jobsTablesSql + jobsTraceContextSql));
 * const queue = createJobQueue({ db });
 * await queue.enqueue({ deadline: Date.now() + 1_000 }, { queue: 'emails', payload: { to: 'a@b.c' } });
 * ```
 */
export function createJobQueue(options: {
  readonly db: Pick<Database, 'transaction'>;
  readonly newId?: IdGenerator;
  /** Epoch ms; `Date.now` unless a test drives time. */
  readonly clock?: () => number;
}): JobQueue {
  const newId = options.newId ?? createIdGenerator();
  const clock = options.clock ?? Date.now;
  const enqueueIn = (tx: Queryable, job: NewJob) => insertJob(tx, job, newId('job'), new Date(clock()));
  return {
    enqueue: (scope, job) =>
      options.db.transaction(scope, (tx) => enqueueIn(tx, { traceparent: scope.traceparent, ...job })),
    enqueueIn,
  };
}
