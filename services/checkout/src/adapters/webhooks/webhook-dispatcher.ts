import type { RequestContext } from '@keelson/kit/context';
import type { Delivery } from '@keelson/kit/events';
import type { Logger } from 'pino';
import type { ConsumedOutcome } from '../../app/ports.ts';
import type { StoredEvent } from '../../app/webhooks/ports.ts';
import { contextForDelivery } from '../events/consumer-context.ts';
import type { EventConsumer } from '../events/event-consumer.ts';

/** The one use case the dispatcher calls (`app.webhooks.enqueueDeliveries`). */
type EnqueueDeliveries = (ctx: RequestContext, event: StoredEvent) => Promise<number>;

/**
 * The webhook dispatcher, a consumer of every event type (endpoints filter by their own
 * enabled_events): each event becomes one pending delivery per subscribed endpoint of its
 * tenant. Idempotent by a unique key (endpoint, event), so a redelivered message needs no inbox
 * row; a failure (the database) throws, and the bus redelivers. Only database work: the delivery
 * worker makes the HTTP calls.
 */
export function webhookDispatcher(
  enqueue: EnqueueDeliveries,
  logger: Logger,
  timeoutMs = 10_000,
  /** Per tenant (a feature flag, asked with the delivery's context): off, its events make no deliveries. */
  enabled: (ctx: RequestContext) => Promise<boolean> = async () => true,
): EventConsumer {
  return {
    name: 'webhooks',
    types: '*',
    async handle(delivery: Delivery): Promise<ConsumedOutcome> {
      const ctx = contextForDelivery(delivery, logger, timeoutMs);
      if (!(await enabled(ctx))) {
        ctx.logger.info('webhook delivery is switched off for this tenant (flag webhook-delivery); no deliveries');
        return 'unchanged';
      }
      const created = await enqueue(ctx, delivery.message);
      if (created > 0) ctx.logger.debug({ deliveries: created }, 'webhook deliveries enqueued');
      return created > 0 ? 'applied' : 'duplicate';
    },
  };
}
