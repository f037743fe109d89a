-- Idempotency keys (@keelson/kit/idempotency): one row per (tenant, key) for at least the
-- retention (24 h), holding the request's fingerprint, the lease of the attempt executing it,
-- and once final, the response replayed to every retry. No foreign key: the kit's scope is an
-- opaque tenant id, and purging must never wait on business tables.
CREATE TABLE idempotency_keys (
  tenant_id         text NOT NULL CHECK (tenant_id <> ''),
  key               text NOT NULL CHECK (key ~ '^[ -~]{1,255}$'),
  -- sha256 (hex) of method, route pattern, path params, query and canonical body.
  fingerprint       text NOT NULL,
  -- Fences the lease: only the attempt holding this token may complete or release it.
  lease_token       text NOT NULL,
  -- Executions begun under the key; above 1 the current attempt is recovering an earlier one.
  attempts          integer NOT NULL CHECK (attempts >= 1),
  -- The lease's end while an attempt executes; NULL once completed or released.
  locked_until      timestamptz,
  response_status   integer CHECK (response_status BETWEEN 200 AND 599),
  response_headers  jsonb,
  -- The exact bytes sent, so a replay is byte-identical.
  response_body     bytea,
  created_at        timestamptz NOT NULL,
  completed_at      timestamptz,
  expires_at        timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, key),
  CONSTRAINT idempotency_keys_response_whole CHECK (
    (response_status IS NULL) = (response_headers IS NULL)
    AND (response_status IS NULL) = (response_body IS NULL)
    AND (response_status IS NULL) = (completed_at IS NULL)
  ),
  CONSTRAINT idempotency_keys_completed_unlocked CHECK (response_status IS NULL OR locked_until IS NULL)
);
-- The purge reads expired rows oldest first.
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
