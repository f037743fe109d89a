/**
 * The outbox table contract of `@keelson/kit/outbox`. The table is the service's own (it writes
 * its rows in its business transactions); the relay reads and writes only these columns:
 *
 * | column | type | meaning |
 * |---|---|---|
 * | `id` | text, primary key | the event id, time-sortable (the claim order and broker de-dup id) |
 * | `tenant_id`, `type`, `aggregate_type`, `aggregate_id` | text | the envelope |
 * | `aggregate_version` | integer | order within one aggregate |
 * | `occurred_at` | timestamptz | when the change happened (outbox lag is measured from it) |
 * | `data` | jsonb | the payload |
 * | `published_at` | timestamptz, null until published | set by the relay |
 *
 * plus what {@link outboxRelaySupportSql} adds. A service ships that DDL in one of its
 * migrations (the kit never migrates a service's database itself).
 */
export const outboxTableName = 'outbox';

/** The channel writers notify after commit ({@link notifyingOutboxWrites}); the relay LISTENs on it. */
export const outboxNotifyChannel = 'keelson_outbox';

/**
 * What the relay needs on top of the service's outbox table: transport headers, the claim
 * lease, and the per-aggregate index the claim query uses. No NOTIFY trigger: see
 * {@link notifyingOutboxWrites} for why writers notify after commit instead.
 *
 * @example
 * ```ts
 * import { outboxRelaySupportSql } from '@keelson/kit/outbox';
 * const migration: string = outboxRelaySupportSql; // appended to a service migration
 * ```
 */
export const outboxRelaySupportSql = `-- Outbox relay support (@keelson/kit/outbox).
-- Transport headers that travel with the event: x-request-id, traceparent, tracestate.
ALTER TABLE outbox ADD COLUMN headers jsonb NOT NULL DEFAULT '{}';
-- The claim lease: a relay publishing a row holds it until then; an expired lease (the relay
-- died mid-publish) makes the row claimable again.
ALTER TABLE outbox ADD COLUMN claimed_until timestamptz;
-- "Is an earlier version of this aggregate still unpublished?", asked for every claimed row.
CREATE INDEX outbox_unpublished_aggregate_idx ON outbox (aggregate_type, aggregate_id, aggregate_version)
  WHERE published_at IS NULL;
`;

/** Reverts {@link outboxRelaySupportSql} (development only). */
export const outboxRelaySupportUndoSql = `DROP INDEX outbox_unpublished_aggregate_idx;
ALTER TABLE outbox DROP COLUMN claimed_until;
ALTER TABLE outbox DROP COLUMN headers;
`;
