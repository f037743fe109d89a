import type { Database } from '@keelson/kit/db';
import type { EventReader, StoredEvent } from '../../app/webhooks/ports.ts';
import { pageOf, tenantListRows } from './cursor.ts';

interface EventRow {
  id: string;
  tenant_id: string;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  occurred_at: Date;
  data: unknown;
}

const columns = 'id, tenant_id, type, aggregate_type, aggregate_id, occurred_at, data';

function fromRow(row: EventRow): StoredEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    occurredAt: row.occurred_at,
    data: row.data,
  };
}

/** The tenant's events, straight from the outbox (published or not: they all committed). */
export function createEventPgReader(db: Database): EventReader {
  return {
    async get(ctx, tenantId, id) {
      const { rows } = await db.query<EventRow>(ctx, `SELECT ${columns} FROM outbox WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
      ]);
      return rows[0] && fromRow(rows[0]);
    },

    async list(ctx, tenantId, filter) {
      // Event ids are time-sortable like every id, so id order is commit order near enough.
      const rows = await tenantListRows<EventRow>(db, ctx, {
        table: 'outbox',
        prefix: 'evt',
        noun: 'events',
        tenantId,
        startingAfter: filter.startingAfter,
        pageSql: `SELECT ${columns} FROM outbox
                  WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2) AND ($4::text IS NULL OR type = $4)
                  ORDER BY id DESC LIMIT $3`,
        params: [filter.limit + 1, filter.type ?? null],
      });
      return pageOf(rows.map(fromRow), filter.limit);
    },
  };
}
