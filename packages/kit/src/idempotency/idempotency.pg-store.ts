import type { Database } from '../db/index.ts';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store.ts';

interface RecordRow {
  fingerprint: string;
  attempts: number;
  locked_until: Date | null;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: Uint8Array | null;
  expires_at: Date;
}

// Every time is a parameter from the core's clock, cast explicitly so both engines type it alike.
// Lock or take over in one statement: the row lock ON CONFLICT takes makes concurrent callers
// queue, and each re-checks the WHERE against the row the previous one left, so one wins.
const tryLockSql = `
INSERT INTO idempotency_keys AS k
  (tenant_id, key, fingerprint, lease_token, attempts, locked_until, created_at, expires_at)
VALUES ($1, $2, $3, $4, 1, $6::timestamptz, $5::timestamptz, $7::timestamptz)
ON CONFLICT (tenant_id, key) DO UPDATE SET
  fingerprint = EXCLUDED.fingerprint,
  lease_token = EXCLUDED.lease_token,
  attempts = CASE WHEN k.expires_at <= $5::timestamptz THEN 1 ELSE k.attempts + 1 END,
  locked_until = EXCLUDED.locked_until,
  created_at = CASE WHEN k.expires_at <= $5::timestamptz THEN EXCLUDED.created_at ELSE k.created_at END,
  expires_at = EXCLUDED.expires_at,
  response_status = NULL, response_headers = NULL, response_body = NULL, completed_at = NULL
WHERE (k.locked_until IS NULL OR k.locked_until <= $5::timestamptz)
  AND (k.expires_at <= $5::timestamptz OR (k.response_status IS NULL AND k.fingerprint = EXCLUDED.fingerprint))
RETURNING attempts`;

const getSql = `
SELECT fingerprint, attempts, locked_until, response_status, response_headers, response_body, expires_at
FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`;

const completeSql = `
UPDATE idempotency_keys
SET locked_until = NULL, response_status = $4, response_headers = $5::jsonb, response_body = $6::bytea,
    completed_at = $7::timestamptz, expires_at = $8::timestamptz
WHERE tenant_id = $1 AND key = $2 AND lease_token = $3 AND response_status IS NULL`;

const releaseSql = `
UPDATE idempotency_keys SET locked_until = NULL
WHERE tenant_id = $1 AND key = $2 AND lease_token = $3 AND response_status IS NULL`;

const forgetSql = `
DELETE FROM idempotency_keys
WHERE tenant_id = $1 AND key = $2 AND lease_token = $3 AND response_status IS NULL AND attempts = 1`;

// SKIP LOCKED: a row being taken over right now is skipped (and no longer expired once it is).
const purgeSql = `
DELETE FROM idempotency_keys WHERE (tenant_id, key) IN (
  SELECT tenant_id, key FROM idempotency_keys
  WHERE expires_at <= $1::timestamptz AND (locked_until IS NULL OR locked_until <= $1::timestamptz)
  ORDER BY expires_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED)`;

/**
 * An {@link IdempotencyStore} over the kit's `Database` (PostgreSQL or PGlite), in the table
 * `idempotencyKeysTableSql` creates. Each operation is one autocommit statement (`release`
 * of a forgotten request: two), so none holds a row lock beyond its own round trip.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { createIdempotency, createPgIdempotencyStore, idempotencyKeysTableSql } from '@keelson/kit/idempotency';
 * const db = await createPgliteDatabase({});
 * await db.session((session) => session.runScript(idempotencyKeysTableSql));
 * const idempotency = createIdempotency({ store: createPgIdempotencyStore(db) });
 * ```
 */
export function createPgIdempotencyStore(db: Pick<Database, 'query'>): IdempotencyStore {
  return {
    async tryLock(scope, request) {
      const { rows } = await db.query<{ attempts: number }>(request, tryLockSql, [
        scope.tenant,
        scope.key,
        request.fingerprint,
        request.token,
        new Date(request.now),
        new Date(request.lockedUntil),
        new Date(request.expiresAt),
      ]);
      const row = rows[0];
      return row === undefined ? { locked: false } : { locked: true, attempts: row.attempts };
    },

    async get(scope, call) {
      const { rows } = await db.query<RecordRow>(call, getSql, [scope.tenant, scope.key]);
      const row = rows[0];
      return row === undefined ? undefined : toRecord(row);
    },

    async complete(lease, request) {
      const { status, headers, body } = request.response;
      const { rowCount } = await db.query(request, completeSql, [
        lease.tenant,
        lease.key,
        lease.token,
        status,
        JSON.stringify(headers),
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        new Date(request.now),
        new Date(request.expiresAt),
      ]);
      return rowCount === 1;
    },

    async release(lease, request) {
      const params = [lease.tenant, lease.key, lease.token];
      // Both statements are fenced by the token: a takeover between them leaves the new holder's row alone.
      if (request.forget && (await db.query(request, forgetSql, params)).rowCount === 1) return;
      await db.query(request, releaseSql, params);
    },

    async purge(request) {
      const { rowCount } = await db.query(request, purgeSql, [new Date(request.now), request.limit]);
      return rowCount;
    },
  };
}

function toRecord(row: RecordRow): IdempotencyRecord {
  const response =
    row.response_status === null || row.response_body === null
      ? undefined
      : { status: row.response_status, headers: row.response_headers ?? {}, body: new Uint8Array(row.response_body) };
  return {
    fingerprint: row.fingerprint,
    attempts: row.attempts,
    lockedUntil: row.locked_until?.getTime(),
    response,
    expiresAt: row.expires_at.getTime(),
  };
}
