import type { Database, Queryable } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { WebhookReplayOutcome, WebhookRepository } from '../../app/webhooks/ports.ts';
import { fail } from '../../domain/errors.ts';
import type { SecretBox } from '../webhooks/secret-box.ts';
import { checkCursorShape, checkedRows, pageOf, tenantListRows } from './cursor.ts';
import {
  type DeliveryRow,
  deliveryColumns,
  deliveryFromRow,
  type EndpointRow,
  endpointColumns,
  endpointFromRow,
} from './webhook.rows.ts';

/** Endpoints (secrets sealed on the way in) and their deliveries, for the API and the consumer. */
export function createWebhookPgRepository(db: Database, newId: IdGenerator, box: SecretBox): WebhookRepository {
  return {
    insertEndpoint(ctx, endpoint, secret, maxEndpoints) {
      return db.transaction(ctx, async (tx) => {
        // Serializes one tenant's creations so two cannot both pass the count. NO KEY UPDATE
        // does not block the KEY SHARE locks that foreign keys to tenants take.
        await tx.query('SELECT 1 FROM tenants WHERE id = $1 FOR NO KEY UPDATE', [endpoint.tenantId]);
        const { rowCount } = await tx.query(
          `INSERT INTO webhook_endpoints (tenant_id, id, url, enabled_events, secret_sealed, created_at)
           SELECT $1, $2, $3, $4, $5, $6
           WHERE (SELECT count(*) FROM webhook_endpoints WHERE tenant_id = $1) < $7`,
          [
            endpoint.tenantId,
            endpoint.id,
            endpoint.url,
            endpoint.enabledEvents,
            box.seal(endpoint.id, secret),
            endpoint.createdAt,
            maxEndpoints,
          ],
        );
        return rowCount === 1;
      });
    },

    async getEndpoint(ctx, tenantId, id) {
      const { rows } = await db.query<EndpointRow>(
        ctx,
        `SELECT ${endpointColumns} FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id],
      );
      return rows[0] && endpointFromRow(rows[0]);
    },

    async listEndpoints(ctx, tenantId, page) {
      const rows = await tenantListRows<EndpointRow>(db, ctx, {
        table: 'webhook_endpoints',
        prefix: 'we',
        noun: 'webhook endpoints',
        tenantId,
        startingAfter: page.startingAfter,
        pageSql: `SELECT ${endpointColumns} FROM webhook_endpoints
                  WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2)
                  ORDER BY id DESC LIMIT $3`,
        params: [page.limit + 1],
      });
      return pageOf(rows.map(endpointFromRow), page.limit);
    },

    async deleteEndpoint(ctx, tenantId, id) {
      // Its deliveries go by ON DELETE CASCADE; dead letters stay (replay answers delivery_gone).
      const { rowCount } = await db.query(ctx, 'DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        id,
      ]);
      return rowCount === 1;
    },

    async rotateSecret(ctx, tenantId, id, secret, previousExpiresAt) {
      const { rows } = await db.query<EndpointRow>(
        ctx,
        `UPDATE webhook_endpoints
         SET previous_secret_sealed = secret_sealed, previous_secret_expires_at = $3, secret_sealed = $4
         WHERE tenant_id = $1 AND id = $2
         RETURNING ${endpointColumns}`,
        [tenantId, id, previousExpiresAt, box.seal(id, secret)],
      );
      return rows[0] && endpointFromRow(rows[0]);
    },

    async listDeliveries(ctx, tenantId, endpointId, page) {
      checkCursorShape('whd', page.startingAfter);
      const { refusal, rows } = await checkedRows<DeliveryRow, 'endpoint' | 'cursor'>(db, ctx, {
        refusal: `CASE
                    WHEN NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2) THEN 'endpoint'
                    WHEN $3::text IS NOT NULL AND NOT EXISTS (
                      SELECT 1 FROM webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3) THEN 'cursor'
                  END`,
        pageSql: `SELECT ${deliveryColumns} FROM webhook_deliveries
                  WHERE tenant_id = $1 AND endpoint_id = $2 AND ($3::text IS NULL OR id < $3)
                  ORDER BY id DESC LIMIT $4`,
        params: [tenantId, endpointId, page.startingAfter ?? null, page.limit + 1],
      });
      if (refusal === 'endpoint')
        fail('not_found', 'webhook_endpoint_not_found', `No such webhook endpoint: ${endpointId}.`);
      if (refusal === 'cursor')
        fail('invalid', 'invalid_cursor', "starting_after does not name one of this endpoint's deliveries.");
      return pageOf(rows.map(deliveryFromRow), page.limit);
    },

    async enqueue(ctx, event, body, now) {
      // Most events have no subscribed endpoint: then one statement and no transaction (BEGIN and
      // COMMIT were two round trips per event for nothing). The
      // list is read outside the transaction as it was inside one: READ COMMITTED gives each
      // statement its own snapshot, and an endpoint deleted meanwhile fails its insert either way.
      const { rows } = await db.query<{ id: string }>(
        ctx,
        `SELECT id FROM webhook_endpoints
         WHERE tenant_id = $1 AND ($2 = ANY (enabled_events) OR '*' = ANY (enabled_events))`,
        [event.tenantId, event.type],
      );
      if (rows.length === 0) return 0;
      return db.transaction(ctx, async (tx) => {
        let created = 0;
        for (const endpoint of rows) {
          const inserted = await tx.query(
            `INSERT INTO webhook_deliveries
               (tenant_id, id, endpoint_id, event_id, event_type, body, status, next_attempt_at, created_at, retry_from,
                traceparent)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7, $7, $8)
             ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING`,
            // The enqueuing span's trace: the worker's attempts are its children (ADR 0016).
            [event.tenantId, newId('whd'), endpoint.id, event.id, event.type, body, now, ctx.traceparent ?? null],
          );
          created += inserted.rowCount;
        }
        return created;
      });
    },

    replayDeadLetter(ctx, deadLetterId, now) {
      return db.transaction(ctx, async (tx): Promise<WebhookReplayOutcome> => {
        const { rows } = await tx.query<{ status: string; message_key: string }>(
          `SELECT status, message_key FROM dead_letters WHERE id = $1 AND source = 'webhook' FOR UPDATE`,
          [deadLetterId],
        );
        const letter = rows[0];
        if (letter === undefined) return { kind: 'not_found' };
        if (letter.status !== 'dead') return { kind: 'already_resolved', status: letter.status };
        if (!(await reviveDeadDelivery(tx, letter.message_key, now, ctx.traceparent))) return { kind: 'delivery_gone' };
        await tx.query(`UPDATE dead_letters SET status = 'replayed', resolved_at = $2 WHERE id = $1`, [
          deadLetterId,
          now,
        ]);
        return { kind: 'replayed', deliveryId: letter.message_key };
      });
    },
  };
}

/**
 * A dead delivery becomes pending again, due now, with a fresh retry horizon; false when the
 * delivery is gone or not dead. Runs in the caller's transaction (the one marking its dead letter).
 */
export async function reviveDeadDelivery(
  tx: Queryable,
  deliveryId: string,
  now: Date,
  /** The replaying request's: the attempts to come are part of its trace, not the original's. */
  traceparent: string | undefined,
): Promise<boolean> {
  const revived = await tx.query(
    `UPDATE webhook_deliveries
     SET status = 'pending', next_attempt_at = $2, retry_from = $2, completed_at = NULL, traceparent = $3
     WHERE id = $1 AND status = 'dead'`,
    [deliveryId, now, traceparent ?? null],
  );
  return revived.rowCount > 0;
}
