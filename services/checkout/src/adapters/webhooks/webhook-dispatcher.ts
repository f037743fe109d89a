import { createContext, type RequestContext, withTenant } from '@keelson/kit/context';
import type { EventHandler } from '@keelson/kit/events';
import type { Logger } from 'pino';
import type { StoredEvent } from '../../app/webhooks/ports.ts';

/** The one use case the dispatcher calls (`app.webhooks.enqueueDeliveries`). */
type EnqueueDeliveries = (ctx: RequestContext, event: StoredEvent) => Promise<number>;

/** The dispatcher's subscription: every type (endpoints filter by their own enabled_events). */
export const webhookDispatcherSubscription = { consumer: 'webhooks', types: '*' } as const;

/**
 * The webhook dispatcher as an event-bus handler: each event becomes one pending delivery per
 * subscribed endpoint of its tenant. Idempotent by a unique key (endpoint, event), so a
 * redelivered message needs no inbox row; a failure (the database) throws, and the bus
 * redelivers. Only database work: the delivery worker makes the HTTP calls.
 *
 * Wiring at merge: `bus.subscribe({ ...webhookDispatcherSubscription, concurrency, maxDeliveries,
 * backoffMs, onDeadLetter }, webhookDispatcher(app.webhooks.enqueueDeliveries, logger))`.
 */
export function webhookDispatcher(enqueue: EnqueueDeliveries, logger: Logger, timeoutMs = 10_000): EventHandler {
  return async ({ message, signal }) => {
    const ctx = withTenant(
      createContext({ requestId: `evt:${message.id}`, timeoutMs, logger, signal }),
      message.tenantId,
    );
    const created = await enqueue(ctx, message);
    if (created > 0) ctx.logger.debug({ event: message.id, deliveries: created }, 'webhook deliveries enqueued');
  };
}
