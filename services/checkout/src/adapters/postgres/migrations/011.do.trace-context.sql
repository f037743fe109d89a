-- Trace context carried through the rows that hand work on (ADR 0016), as the outbox's headers
-- already carry it: the W3C traceparent of the span that wrote the row, or NULL (written with
-- no trace, or before this migration). Only ids and flags, never a value from the request.

-- A webhook delivery's attempts are CLIENT spans under the consumer span that enqueued it, so
-- the API call, the relay, the dispatcher and the POST to the receiver are one trace.
ALTER TABLE webhook_deliveries ADD COLUMN traceparent text;

-- A job's run is a span under whatever enqueued it (@keelson/kit/jobs, jobsTraceContextSql).
ALTER TABLE jobs ADD COLUMN traceparent text;
