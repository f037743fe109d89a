import type { Delivery } from '@keelson/kit/events';
import type { Logger } from 'pino';
import type { Application } from '../../app/application.ts';
import type { ConsumedOutcome } from '../../app/ports.ts';
import { contextForDelivery } from './consumer-context.ts';
import type { EventConsumer } from './event-consumer.ts';

/** `order.paid` → the order is shipped, then `fulfilled` with `order.fulfilled` (once per event). */
export function fulfillmentConsumer(app: Application, logger: Logger, timeoutMs: number): EventConsumer {
  return {
    name: 'fulfillment',
    types: ['order.paid'],
    async handle(delivery: Delivery): Promise<ConsumedOutcome> {
      const ctx = contextForDelivery(delivery, logger, timeoutMs);
      const outcome = await app.consumers.fulfillOrder(ctx, {
        orderId: delivery.message.aggregateId,
        receipt: { consumer: 'fulfillment', eventId: delivery.message.id },
      });
      if (outcome === 'unchanged') ctx.logger.info('fulfillment: the order is no longer paid; nothing to ship');
      // A redelivery the inbox absorbed: rare, and what an operator (and the chaos test) counts.
      if (outcome === 'duplicate') ctx.logger.info('fulfillment: event already applied; redelivery ignored');
      return outcome;
    },
  };
}
