DROP TABLE inbox;
DROP INDEX outbox_unpublished_aggregate_idx;
ALTER TABLE outbox DROP COLUMN claimed_until;
ALTER TABLE outbox DROP COLUMN headers;
