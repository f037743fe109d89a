-- Webhooks (issue 8 §5): a tenant's endpoints and one delivery row per (endpoint, event).
-- Secrets are stored sealed (AES-256-GCM under a key from config, ADR 0011): a dump of this
-- table alone does not sign anything.

CREATE TABLE webhook_endpoints (
  tenant_id                   text NOT NULL REFERENCES tenants (id),
  id                          text NOT NULL,
  url                         text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  -- Event types, or the one element '*' for all of them.
  enabled_events              text[] NOT NULL CHECK (cardinality(enabled_events) >= 1),
  secret_sealed               text NOT NULL,
  -- The secret before the last rotation, still signing until previous_secret_expires_at.
  previous_secret_sealed      text,
  previous_secret_expires_at  timestamptz,
  -- Per-endpoint circuit breaker, shared by every worker: consecutive failed attempts, and
  -- until when the endpoint's deliveries are not even tried.
  consecutive_failures        integer NOT NULL DEFAULT 0,
  circuit_open_until          timestamptz,
  created_at                  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT webhook_endpoints_previous_secret_pair
    CHECK ((previous_secret_sealed IS NULL) = (previous_secret_expires_at IS NULL))
);
-- Matching an event to its endpoints reads every endpoint of the tenant.
CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, id);

CREATE TABLE webhook_deliveries (
  tenant_id        text NOT NULL,
  id               text NOT NULL,
  endpoint_id      text NOT NULL,
  event_id         text NOT NULL,
  event_type       text NOT NULL,
  -- The exact bytes signed and sent: the event as it was when enqueued, kept with the delivery
  -- so a retry or a replay sends the same body even after the outbox row is pruned.
  body             text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'dead')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- When the next attempt is due; a claimed attempt pushes it past its timeout (the lease), so
  -- a worker that died mid-attempt leaves the delivery due again, never lost.
  next_attempt_at  timestamptz NOT NULL,
  -- The last attempts (status code or error, timing), newest last, at most a few dozen.
  attempt_log      jsonb NOT NULL DEFAULT '[]',
  created_at       timestamptz NOT NULL,
  -- The retry horizon counts from here: created_at, or the last replay of a dead letter.
  retry_from       timestamptz NOT NULL,
  completed_at     timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
  -- One delivery per endpoint and event: enqueueing the same event again (a redelivered
  -- message) is a no-op.
  CONSTRAINT webhook_deliveries_endpoint_event_key UNIQUE (tenant_id, endpoint_id, event_id)
);
CREATE UNIQUE INDEX webhook_deliveries_id_key ON webhook_deliveries (id);
-- The workers' claim: due pending deliveries of every tenant, oldest due first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (tenant_id, endpoint_id, id);

-- GET /v1/events lists a tenant's events newest first.
CREATE INDEX outbox_tenant_idx ON outbox (tenant_id, id);
