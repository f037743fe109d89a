import type { DeliveryAttempt, WebhookDeliveryState } from '../../app/webhooks/ports.ts';
import type { WebhookEndpointState } from '../../domain/webhooks.ts';

export const endpointColumns = 'tenant_id, id, url, enabled_events, created_at, previous_secret_expires_at';

export interface EndpointRow {
  tenant_id: string;
  id: string;
  url: string;
  enabled_events: string[];
  created_at: Date;
  previous_secret_expires_at: Date | null;
}

export function endpointFromRow(row: EndpointRow): WebhookEndpointState {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    enabledEvents: row.enabled_events,
    createdAt: row.created_at,
    previousSecretExpiresAt: row.previous_secret_expires_at,
  };
}

/** An attempt as `attempt_log` keeps it (jsonb, so timestamps are text). */
export interface AttemptLogEntry {
  readonly at: string;
  readonly status_code: number | null;
  readonly duration_ms: number;
  readonly error: string | null;
}

/** How many attempts a delivery row remembers; `attempts` still counts them all. */
export const attemptLogLength = 25;

export function attemptFromLog(entry: AttemptLogEntry): DeliveryAttempt {
  return { at: new Date(entry.at), statusCode: entry.status_code, durationMs: entry.duration_ms, error: entry.error };
}

export const deliveryColumns =
  'id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, attempt_log, created_at, completed_at';

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: WebhookDeliveryState['status'];
  attempts: number;
  next_attempt_at: Date;
  attempt_log: AttemptLogEntry[];
  created_at: Date;
  completed_at: Date | null;
}

export function deliveryFromRow(row: DeliveryRow): WebhookDeliveryState {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    recentAttempts: row.attempt_log.map(attemptFromLog),
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}
