-- Instances without Redis learn of revocations by polling for keys revoked in the last minute
-- (adapters/postgres/key-revocations.pg-poller.ts): this keeps that query off a table scan.
CREATE INDEX api_keys_revoked_at_idx ON api_keys (revoked_at) WHERE revoked_at IS NOT NULL;
