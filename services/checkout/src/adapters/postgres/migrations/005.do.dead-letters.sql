-- Dead letters: a job, a consumed event or a webhook delivery that failed its last attempt.
-- One table for every source, so `keelson dlq list` shows them together; `replay` hands an
-- entry back to its source's replayer (keyed by source + name) and marks it replayed.
CREATE TABLE dead_letters (
  id           text PRIMARY KEY,
  -- NULL for system work that belongs to no tenant (a cron job).
  tenant_id    text,
  source       text NOT NULL CHECK (source IN ('job', 'event', 'webhook')),
  -- The queue, the consumer or the webhook endpoint the entry failed in.
  name         text NOT NULL,
  -- The job id, event id or delivery id: what replay applies again, once.
  message_key  text NOT NULL,
  payload      jsonb NOT NULL,
  attempts     integer NOT NULL CHECK (attempts >= 1),
  last_error   text NOT NULL,
  created_at   timestamptz NOT NULL,
  status       text NOT NULL DEFAULT 'dead' CHECK (status IN ('dead', 'replayed', 'discarded')),
  resolved_at  timestamptz,
  -- A message dead-lettered twice (a redelivery racing the first) is recorded once.
  UNIQUE (source, name, message_key)
);
CREATE INDEX dead_letters_listing_idx ON dead_letters (id DESC) WHERE status = 'dead';
