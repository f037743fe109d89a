DROP INDEX IF EXISTS outbox_published_idx;
DROP INDEX IF EXISTS orders_expiry_idx;
DROP TABLE job_schedule_runs;
DROP TABLE jobs;
