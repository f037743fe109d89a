import type { WebhookDeliveryState } from '../../app/webhooks/ports.ts';
import type { WebhookEndpointState } from '../../domain/webhooks.ts';

// Domain → wire mappers for webhook endpoints and deliveries.

export function webhookEndpointToWire(e: WebhookEndpointState) {
  return {
    object: 'webhook_endpoint' as const,
    id: e.id,
    url: e.url,
    enabled_events: [...e.enabledEvents],
    previous_secret_expires_at: e.previousSecretExpiresAt?.toISOString() ?? null,
    created_at: e.createdAt.toISOString(),
  };
}

export function webhookDeliveryToWire(d: WebhookDeliveryState) {
  return {
    object: 'webhook_delivery' as const,
    id: d.id,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
    recent_attempts: d.recentAttempts.map((a) => ({
      attempted_at: a.at.toISOString(),
      status_code: a.statusCode,
      duration_ms: a.durationMs,
      error: a.error,
    })),
    created_at: d.createdAt.toISOString(),
    completed_at: d.completedAt?.toISOString() ?? null,
  };
}
