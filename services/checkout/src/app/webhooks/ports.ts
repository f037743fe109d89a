import type { RequestContext } from '@keelson/kit/context';
import type { WebhookEndpointState } from '../../domain/webhooks.ts';
import type { Page, PageRequest } from '../ports.ts';

// The ports of the webhook and event use cases (app/ports.ts holds the others).

/** An event as the outbox stored it; the bus carries the same fields (kit `EventMessage`). */
export interface StoredEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** A Date from the database, RFC 3339 text from the bus. */
  readonly occurredAt: Date | string;
  readonly data: unknown;
}

export interface EventListFilter extends PageRequest {
  readonly type?: string;
}

/** The tenant's events, read from the outbox. */
export interface EventReader {
  get(ctx: RequestContext, tenantId: string, id: string): Promise<StoredEvent | undefined>;
  /** Newest first; a cursor that is not one of the tenant's events is `invalid_cursor`. */
  list(ctx: RequestContext, tenantId: string, filter: EventListFilter): Promise<Page<StoredEvent>>;
}

/** The JSON a tenant sees for an event (the API's wire shape), the exact body a webhook signs. */
export type RenderEvent = (event: StoredEvent) => string;

/** Why a URL may never be delivered to as written (scheme, a literal address), or undefined. */
export type CheckWebhookUrl = (url: string) => string | undefined;

/** What the webhook use cases take from config and the adapters besides the repository. */
export interface WebhookSettings {
  readonly renderEvent: RenderEvent;
  readonly checkWebhookUrl: CheckWebhookUrl;
  /** How long a rotated-out secret keeps signing. */
  readonly secretOverlapMs: number;
}

/** One attempt as the deliveries list shows it: never the receiver's body. */
export interface DeliveryAttempt {
  readonly at: Date;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

export interface WebhookDeliveryState {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: 'pending' | 'succeeded' | 'dead';
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly recentAttempts: readonly DeliveryAttempt[];
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

export type WebhookReplayOutcome =
  | { readonly kind: 'replayed'; readonly deliveryId: string }
  | { readonly kind: 'not_found' }
  /** Replayed or discarded before: replay applies once. */
  | { readonly kind: 'already_resolved'; readonly status: string }
  /** The endpoint (and with it the delivery) was deleted since. */
  | { readonly kind: 'delivery_gone' };

/**
 * Endpoints and their deliveries. Plain secrets go in and come out only through the delivery
 * worker's own store: the repository seals them before they reach a row.
 */
export interface WebhookRepository {
  /** False when the tenant already has `maxEndpoints` endpoints. */
  insertEndpoint(
    ctx: RequestContext,
    endpoint: WebhookEndpointState,
    secret: string,
    maxEndpoints: number,
  ): Promise<boolean>;
  getEndpoint(ctx: RequestContext, tenantId: string, id: string): Promise<WebhookEndpointState | undefined>;
  listEndpoints(ctx: RequestContext, tenantId: string, page: PageRequest): Promise<Page<WebhookEndpointState>>;
  /** Deletes the endpoint and its deliveries; false if there was none. */
  deleteEndpoint(ctx: RequestContext, tenantId: string, id: string): Promise<boolean>;
  /** The new secret signs from now on; the current one becomes the previous until `previousExpiresAt`. */
  rotateSecret(
    ctx: RequestContext,
    tenantId: string,
    id: string,
    secret: string,
    previousExpiresAt: Date,
  ): Promise<WebhookEndpointState | undefined>;
  /** Newest first; unknown endpoint: `webhook_endpoint_not_found`; foreign cursor: `invalid_cursor`. */
  listDeliveries(
    ctx: RequestContext,
    tenantId: string,
    endpointId: string,
    page: PageRequest,
  ): Promise<Page<WebhookDeliveryState>>;
  /**
   * One pending delivery, due at `now`, per endpoint of the tenant subscribed to the event's
   * type; an (endpoint, event) pair already enqueued is left alone. Returns how many were new.
   */
  enqueue(ctx: RequestContext, event: StoredEvent, body: string, now: Date): Promise<number>;
  /**
   * In one transaction: the dead letter (source `webhook`) is marked replayed and its delivery
   * made pending again, due at `now`, its retry horizon counted afresh.
   */
  replayDeadLetter(ctx: RequestContext, deadLetterId: string, now: Date): Promise<WebhookReplayOutcome>;
}
