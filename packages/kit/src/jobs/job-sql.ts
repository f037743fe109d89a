// The worker's statements. Every time is a parameter from the worker's clock, cast explicitly
// so both engines type it alike.

/** A claimed job as the claim returns it. */
export interface JobRow {
  id: string;
  queue: string;
  tenant_id: string | null;
  payload: unknown;
  /** Including the attempt this claim begins. */
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  traceparent: string | null;
}

/**
 * Claims up to $5 due jobs of the queues $1 at $2: the lease end $3 becomes their `run_at`, so a
 * worker that dies holding one makes it due again by itself. SKIP LOCKED: a job another worker
 * is claiming right now is skipped, never waited for or taken twice. A job whose previous lease
 * was never released says so in `last_error`.
 */
export const claimSql = `
UPDATE jobs AS j
SET attempts = j.attempts + 1,
    run_at = $3::timestamptz,
    lease_token = $4,
    last_error = CASE WHEN j.lease_token IS NULL THEN j.last_error
                      ELSE 'lease expired: the worker running attempt ' || j.attempts || ' stopped or stalled' END
FROM (
  SELECT id FROM jobs
  WHERE queue = ANY($1::text[]) AND run_at <= $2::timestamptz
  ORDER BY run_at, id
  LIMIT $5
  FOR UPDATE SKIP LOCKED
) AS due
WHERE j.id = due.id
RETURNING j.id, j.queue, j.tenant_id, j.payload, j.attempts, j.max_attempts, j.last_error, j.traceparent`;

/** Fenced by the lease token: an attempt whose lease was taken over changes nothing. */
export const completeSql = 'DELETE FROM jobs WHERE id = $1 AND lease_token = $2';

export const retrySql = `
UPDATE jobs SET run_at = $3::timestamptz, lease_token = NULL, last_error = $4
WHERE id = $1 AND lease_token = $2`;

/** The dead-letter move's first half; the sink's insert is the second, in the same transaction. */
export const deleteLeasedSql = 'DELETE FROM jobs WHERE id = $1 AND lease_token = $2';

/** Jobs due and not held by an attempt, per queue: the backlog. */
export const queueDepthSql = `
SELECT queue, count(*)::int AS depth FROM jobs
WHERE run_at <= $1::timestamptz AND lease_token IS NULL
GROUP BY queue`;
