import type { RenderEvent, StoredEvent } from '../../app/webhooks/ports.ts';
import type { OrderState } from '../../domain/order.ts';
import type { PaymentState } from '../../domain/payment.ts';
import type { ProductState } from '../../domain/product.ts';
import type { RefundState } from '../../domain/refund.ts';
import { paymentToWire, refundToWire } from './payment.wire.ts';
import { orderToV1, paymentToV1, productToV1, refundToV1 } from './v1-compat.ts';
import { orderToWire, productToWire } from './wire.ts';

/** The outbox keeps an aggregate's state as JSON: its `…At` timestamps come back as text. */
function revived(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      key.endsWith('At') && typeof value === 'string' ? new Date(value) : value,
    ]),
  );
}

/**
 * The event's object as API v1 shows it (`GET /v1/orders/{id}` and friends), so a webhook
 * receiver and an API client read one shape. v1, in /v2 too (ADR 0017): events are stored
 * history that receivers already parse, and one event has one body whoever reads it. The casts are safe because `appendToOutbox` wrote
 * exactly this aggregate's state (`domainEvent` carries it whole) with its timestamps revived;
 * an aggregate this mapper does not know is passed as stored.
 */
export function eventObjectToWire(aggregateType: string, data: unknown): Record<string, unknown> {
  const state = revived(data);
  if (state === undefined) return { value: data };
  switch (aggregateType) {
    case 'product':
      return productToV1(productToWire(state as unknown as ProductState));
    case 'order':
      return orderToV1(orderToWire(state as unknown as OrderState));
    case 'payment':
      return paymentToV1(paymentToWire(state as unknown as PaymentState));
    case 'refund':
      return refundToV1(refundToWire(state as unknown as RefundState));
    default:
      return state;
  }
}

/** An event as Stripe lists them: `created` in unix seconds, the object under `data.object`. */
export function eventToWire(event: StoredEvent) {
  return {
    id: event.id,
    object: 'event' as const,
    type: event.type,
    created: Math.floor(new Date(event.occurredAt).getTime() / 1_000),
    data: { object: eventObjectToWire(event.aggregateType, event.data) },
  };
}

/** The body every webhook delivery of an event sends (and signs): the same envelope. */
export const renderEvent: RenderEvent = (event) => JSON.stringify(eventToWire(event));
