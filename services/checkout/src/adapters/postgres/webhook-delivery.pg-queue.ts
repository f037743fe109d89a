import type { Database, DeadlineScope } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import { afterFailure, circuitOpenUntil, type DeliveryPolicy } from '../../domain/webhooks.ts';
import type { SecretBox } from '../webhooks/secret-box.ts';
import { type AttemptLogEntry, attemptLogLength } from './webhook.rows.ts';

/** A delivery a worker claimed: everything one attempt needs, secrets opened. */
export interface ClaimedDelivery {
  readonly tenantId: string;
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly url: string;
  readonly body: string;
  /** This attempt's number (1 = the first). */
  readonly attempt: number;
  readonly retryFrom: Date;
  /** The current secret, then the previous one while its overlap lasts. */
  readonly secrets: readonly string[];
  readonly attemptLog: readonly AttemptLogEntry[];
  /** The span that enqueued it (the dispatcher's), for the attempt's span to continue its trace. */
  readonly traceparent: string | undefined;
}

export interface AttemptResult {
  readonly ok: boolean;
  readonly at: Date;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

export interface ClaimRequest {
  readonly now: Date;
  readonly limit: number;
  /** At most this many attempts in flight per endpoint, counting `inFlight`. */
  readonly perEndpoint: number;
  /** This worker's attempts in flight, per endpoint id. */
  readonly inFlight: ReadonlyMap<string, number>;
  /** A claimed attempt is due again after this long, should its worker die mid-attempt. */
  readonly leaseMs: number;
}

interface ClaimRow {
  tenant_id: string;
  id: string;
  endpoint_id: string;
  event_id: string;
  body: string;
  attempts: number;
  retry_from: Date;
  attempt_log: AttemptLogEntry[];
  url: string;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Date | null;
  traceparent: string | null;
}

/**
 * The delivery worker's side of `webhook_deliveries`. Each call is one short transaction with
 * no network in it: claim (mark the attempt, push the due time past a lease, commit), then the
 * worker calls the receiver, then `record` the result.
 */
export function createWebhookDeliveryQueue(db: Database, newId: IdGenerator, box: SecretBox) {
  // A claim serves many traces and is not traced; a result is recorded in its delivery's trace.
  const scope = (traceparent?: string): DeadlineScope => ({
    deadline: Date.now() + 10_000,
    ...(traceparent === undefined ? {} : { traceparent }),
  });
  return {
    async claim(request: ClaimRequest): Promise<ClaimedDelivery[]> {
      const { now } = request;
      return db.transaction(scope(), async (tx) => {
        // An endpoint whose circuit is open is not even read; the others share the batch, at
        // most `perEndpoint` each, so one endpoint's backlog never fills the worker.
        const { rows } = await tx.query<ClaimRow>(
          `WITH due AS (
             SELECT d.tenant_id, d.id,
                    row_number() OVER (PARTITION BY d.tenant_id, d.endpoint_id ORDER BY d.next_attempt_at, d.id) AS n
             FROM webhook_deliveries d
             JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1
               AND (e.circuit_open_until IS NULL OR e.circuit_open_until <= $1)
           )
           SELECT d.tenant_id, d.id, d.endpoint_id, d.event_id, d.body, d.attempts, d.retry_from, d.attempt_log, d.traceparent,
                  e.url, e.secret_sealed, e.previous_secret_sealed, e.previous_secret_expires_at
           FROM webhook_deliveries d
           JOIN due ON due.tenant_id = d.tenant_id AND due.id = d.id
           JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
           WHERE d.status = 'pending' AND d.next_attempt_at <= $1
             AND due.n <= $2 - COALESCE(($3::jsonb ->> d.endpoint_id)::int, 0)
           ORDER BY d.next_attempt_at, d.id
           LIMIT $4
           FOR UPDATE OF d SKIP LOCKED`,
          [now, request.perEndpoint, JSON.stringify(Object.fromEntries(request.inFlight)), request.limit],
        );
        if (rows.length === 0) return [];
        await tx.query(
          'UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = ANY ($1::text[])',
          [rows.map((r) => r.id), new Date(now.getTime() + request.leaseMs)],
        );
        return rows.map((row) => ({
          tenantId: row.tenant_id,
          id: row.id,
          endpointId: row.endpoint_id,
          eventId: row.event_id,
          url: row.url,
          body: row.body,
          attempt: row.attempts + 1,
          retryFrom: row.retry_from,
          attemptLog: row.attempt_log,
          traceparent: row.traceparent ?? undefined,
          secrets: [
            box.open(row.endpoint_id, row.secret_sealed),
            ...(row.previous_secret_sealed !== null &&
            row.previous_secret_expires_at !== null &&
            now < row.previous_secret_expires_at
              ? [box.open(row.endpoint_id, row.previous_secret_sealed)]
              : []),
          ],
        }));
      });
    },

    /**
     * Deliveries due now and not claimed, across tenants (a metric, read at scrape time): the
     * partial index on pending due times answers it without touching delivered rows.
     */
    async dueCount(now: Date): Promise<number> {
      // A scrape waits for it: a second at most, then the gauge keeps its last value.
      const { rows } = await db.query<{ due: number }>(
        { deadline: Date.now() + 1_000 },
        `SELECT count(*)::int AS due FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1`,
        [now],
      );
      return rows[0]?.due ?? 0;
    },

    /**
     * Writes an attempt's result: success, a retry at its backoff, or (past the horizon) dead,
     * with its dead letter in the same transaction. A result for an attempt that is no longer
     * the latest (its lease ran out and another worker took the delivery) changes nothing.
     */
    async record(
      delivery: ClaimedDelivery,
      result: AttemptResult,
      policy: DeliveryPolicy,
      random: number,
    ): Promise<'succeeded' | 'retry' | 'dead' | 'superseded'> {
      const entry: AttemptLogEntry = {
        at: result.at.toISOString(),
        status_code: result.statusCode,
        duration_ms: result.durationMs,
        error: result.error,
      };
      const log = JSON.stringify([...delivery.attemptLog, entry].slice(-attemptLogLength));
      const key = [delivery.tenantId, delivery.id, delivery.attempt];
      return db.transaction(scope(delivery.traceparent), async (tx) => {
        if (result.ok) {
          const { rowCount } = await tx.query(
            `UPDATE webhook_deliveries SET status = 'succeeded', completed_at = $4, attempt_log = $5
             WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'pending'`,
            [...key, result.at, log],
          );
          if (rowCount === 0) return 'superseded';
          await tx.query(
            `UPDATE webhook_endpoints SET consecutive_failures = 0, circuit_open_until = NULL
             WHERE tenant_id = $1 AND id = $2 AND (consecutive_failures <> 0 OR circuit_open_until IS NOT NULL)`,
            [delivery.tenantId, delivery.endpointId],
          );
          return 'succeeded';
        }
        const next = afterFailure(policy, delivery.attempt, delivery.retryFrom, result.at, random);
        const { rowCount } = await tx.query(
          `UPDATE webhook_deliveries
           SET status = $4, next_attempt_at = COALESCE($5, next_attempt_at), completed_at = $6, attempt_log = $7
           WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND status = 'pending'`,
          [
            ...key,
            next.kind === 'retry' ? 'pending' : 'dead',
            next.kind === 'retry' ? next.at : null,
            next.kind === 'retry' ? null : result.at,
            log,
          ],
        );
        if (rowCount === 0) return 'superseded';
        const { rows } = await tx.query<{ consecutive_failures: number }>(
          `UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1
           WHERE tenant_id = $1 AND id = $2 RETURNING consecutive_failures`,
          [delivery.tenantId, delivery.endpointId],
        );
        const openUntil = circuitOpenUntil(policy, rows[0]?.consecutive_failures ?? 0, result.at);
        if (openUntil !== null) {
          await tx.query('UPDATE webhook_endpoints SET circuit_open_until = $3 WHERE tenant_id = $1 AND id = $2', [
            delivery.tenantId,
            delivery.endpointId,
            openUntil,
          ]);
        }
        if (next.kind === 'retry') return 'retry';
        // A delivery dead-lettered again after a replay reopens its entry: one per delivery.
        await tx.query(
          `INSERT INTO dead_letters (id, tenant_id, source, name, message_key, payload, attempts, last_error, created_at)
           VALUES ($1, $2, 'webhook', $3, $4, $5, $6, $7, $8)
           ON CONFLICT (source, name, message_key) DO UPDATE
           SET status = 'dead', resolved_at = NULL, attempts = EXCLUDED.attempts,
               last_error = EXCLUDED.last_error, payload = EXCLUDED.payload`,
          [
            newId('dl'),
            delivery.tenantId,
            delivery.endpointId,
            delivery.id,
            JSON.stringify({ delivery_id: delivery.id, event_id: delivery.eventId, url: delivery.url }),
            delivery.attempt,
            result.error ?? `HTTP ${result.statusCode}`,
            result.at,
          ],
        );
        return 'dead';
      });
    },
  };
}

export type WebhookDeliveryQueue = ReturnType<typeof createWebhookDeliveryQueue>;
