-- Outbox relay support (@keelson/kit/outbox).
-- Transport headers that travel with the event: x-request-id, traceparent, tracestate.
ALTER TABLE outbox ADD COLUMN headers jsonb NOT NULL DEFAULT '{}';
-- The claim lease: a relay publishing a row holds it until then; an expired lease (the relay
-- died mid-publish) makes the row claimable again.
ALTER TABLE outbox ADD COLUMN claimed_until timestamptz;
-- "Is an earlier version of this aggregate still unpublished?", asked for every claimed row.
CREATE INDEX outbox_unpublished_aggregate_idx ON outbox (aggregate_type, aggregate_id, aggregate_version)
  WHERE published_at IS NULL;

-- Inbox (@keelson/kit/inbox): (consumer, event id) recorded with the consumer's effect, so a
-- redelivered event finds its row and applies nothing. Pruned with the published outbox rows.
CREATE TABLE inbox (
  consumer      text NOT NULL,
  event_id      text NOT NULL,
  processed_at  timestamptz NOT NULL,
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_processed_idx ON inbox (processed_at);
