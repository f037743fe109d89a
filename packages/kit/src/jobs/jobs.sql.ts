/**
 * The tables behind `@keelson/kit/jobs`, the same on PostgreSQL and PGlite. A service ships them
 * as one of its migrations (the kit never migrates a service's database itself). Times are
 * written by the kit from its own clock, never by `now()`, so tests can drive time.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { jobsTablesSql, jobsTraceContextSql } from '@keelson/kit/jobs';
 * const db = await createPgliteDatabase({});
 * await db.session((session) => session.runScript(jobsTablesSql + jobsTraceContextSql));
 * ```
 */
export const jobsTablesSql = `-- Jobs (@keelson/kit/jobs): one row per job until it succeeds (deleted) or fails its last
-- attempt (moved to dead_letters in the same transaction).
CREATE TABLE jobs (
  id            text PRIMARY KEY,
  queue         text NOT NULL CHECK (queue <> ''),
  -- NULL for system work that belongs to no tenant (a cron job).
  tenant_id     text,
  payload       jsonb NOT NULL,
  -- Attempts begun (claims); a claim past max_attempts dead-letters the job instead of running it.
  attempts      integer NOT NULL CHECK (attempts >= 0),
  max_attempts  integer NOT NULL CHECK (max_attempts >= 1),
  -- The one claim key: when the job is due, when a retry's backoff ends, or when the running
  -- attempt's lease ends (so a crashed worker's job becomes due again by itself).
  run_at        timestamptz NOT NULL,
  -- Set while an attempt holds the job: only that attempt may complete or fail it.
  lease_token   text,
  last_error    text,
  created_at    timestamptz NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (run_at, queue);

-- Cron slots taken: the primary key makes one slot yield one job however many schedulers run.
CREATE TABLE job_schedule_runs (
  schedule    text NOT NULL,
  slot_start  timestamptz NOT NULL,
  job_id      text NOT NULL,
  PRIMARY KEY (schedule, slot_start)
);
`;

/**
 * The second version of the job tables: each job keeps the `traceparent` of whatever enqueued
 * it, so its run is a span of that trace. A service ships it as a later migration, after
 * {@link jobsTablesSql}; the kit writes and reads the column from then on.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { jobsTablesSql, jobsTraceContextSql } from '@keelson/kit/jobs';
 * const db = await createPgliteDatabase({});
 * await db.session((session) => session.runScript(`${jobsTablesSql}\n${jobsTraceContextSql}`));
 * ```
 */
export const jobsTraceContextSql = 'ALTER TABLE jobs ADD COLUMN traceparent text;\n';

/** Reverts {@link jobsTraceContextSql}. */
export const jobsTraceContextUndoSql = 'ALTER TABLE jobs DROP COLUMN traceparent;\n';

/** Reverts {@link jobsTablesSql} (development only). */
export const jobsTablesUndoSql = 'DROP TABLE job_schedule_runs;\nDROP TABLE jobs;\n';
