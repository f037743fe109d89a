import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { Clock, ConsumedOutcome, EventReceipt, OrderRepository, Shipping } from '../ports.ts';

export interface FulfillOrderInput {
  readonly orderId: string;
  /** The `order.paid` event being consumed, recorded with the change (the inbox). */
  readonly receipt: EventReceipt;
}

/**
 * The fulfillment consumer's effect for `order.paid`: after the (simulated) shipping step, the
 * order becomes `fulfilled` and `order.fulfilled` is written, once per event whatever the
 * redeliveries. An order refunded before its goods went out has nothing to ship: recorded as
 * handled, unchanged.
 */
export function fulfillOrder(deps: { orders: OrderRepository; clock: Clock; shipping: Shipping }) {
  return async (ctx: RequestContext, input: FulfillOrderInput): Promise<ConsumedOutcome> => {
    // Outside the transaction: shipping is a call to the world (here simulated), never under a lock.
    await deps.shipping.ship(ctx, input.orderId);
    return deps.orders.updateOnce(ctx, tenantOf(ctx), input.orderId, input.receipt, (order) =>
      order.state.status === 'paid' ? order.fulfill(deps.clock.now()) : undefined,
    );
  };
}
