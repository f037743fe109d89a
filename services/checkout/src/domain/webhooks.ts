import { fail } from './errors.ts';

/**
 * Every event type a webhook endpoint can subscribe to. `order.expired` and `order.fulfilled`
 * are listed before the workers that emit them run, so an endpoint can subscribe ahead.
 */
export const webhookEventTypes = [
  'order.created',
  'order.cancelled',
  'order.expired',
  'order.paid',
  'order.fulfilled',
  'order.partially_refunded',
  'order.refunded',
  'payment.succeeded',
  'payment.failed',
  'payment.requires_action',
  'refund.succeeded',
  'refund.failed',
  'product.created',
  'product.updated',
] as const;

/** An endpoint's URL, at most this long (the SQL CHECK repeats it). */
export const maxWebhookUrlLength = 2048;
/** Endpoints per tenant: each event fans out to all of them. */
export const maxEndpointsPerTenant = 16;

/** What a tenant registered: where to POST which events. The secrets never leave the repository. */
export interface WebhookEndpointState {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  /** Event types, or `['*']`. */
  readonly enabledEvents: readonly string[];
  readonly createdAt: Date;
  /** While set and in the future, deliveries are signed with the previous secret too. */
  readonly previousSecretExpiresAt: Date | null;
}

/** `['*']`, or known types without repeats (order kept); anything else is `unknown_event_type`. */
export function checkEnabledEvents(events: readonly string[]): readonly string[] {
  if (events.length === 0) fail('invalid', 'unknown_event_type', 'enabled_events needs at least one event type.');
  if (events.includes('*')) {
    if (events.length > 1) fail('invalid', 'unknown_event_type', 'enabled_events: "*" stands alone.');
    return ['*'];
  }
  const unknown = events.filter((e) => !(webhookEventTypes as readonly string[]).includes(e));
  if (unknown.length > 0) {
    fail('invalid', 'unknown_event_type', `Unknown event types: ${unknown.map((e) => JSON.stringify(e)).join(', ')}.`);
  }
  return [...new Set(events)];
}

export function endpointWants(enabledEvents: readonly string[], type: string): boolean {
  return enabledEvents.includes('*') || enabledEvents.includes(type);
}

/** The retry schedule of failed deliveries and the per-endpoint breaker. */
export interface DeliveryPolicy {
  /** First retry's delay cap; it doubles each attempt (full jitter: a uniform draw below the cap). */
  readonly retryBaseMs: number;
  /** The cap never grows beyond this. */
  readonly retryMaxDelayMs: number;
  /** After this long since a delivery was first due, a failure is final: dead letter. */
  readonly retryHorizonMs: number;
  /** Consecutive failures of one endpoint that open its circuit. */
  readonly breakerThreshold: number;
  /** How long an open circuit keeps its endpoint's deliveries from being tried. */
  readonly breakerOpenMs: number;
}

export type AfterFailure = { readonly kind: 'retry'; readonly at: Date } | { readonly kind: 'dead' };

/**
 * When a failed attempt number `attempt` (1 = the first) is retried, or that it is final: the
 * next attempt would fall past the horizon counted from `retryFrom`. `random` is in [0, 1).
 */
export function afterFailure(
  policy: DeliveryPolicy,
  attempt: number,
  retryFrom: Date,
  now: Date,
  random: number,
): AfterFailure {
  const cap = Math.min(policy.retryMaxDelayMs, policy.retryBaseMs * 2 ** Math.min(attempt - 1, 40));
  const at = new Date(now.getTime() + Math.floor(random * cap));
  return at.getTime() > retryFrom.getTime() + policy.retryHorizonMs ? { kind: 'dead' } : { kind: 'retry', at };
}

/** Until when an endpoint's circuit is open after `consecutiveFailures`, or null (closed). */
export function circuitOpenUntil(policy: DeliveryPolicy, consecutiveFailures: number, now: Date): Date | null {
  return consecutiveFailures >= policy.breakerThreshold ? new Date(now.getTime() + policy.breakerOpenMs) : null;
}
