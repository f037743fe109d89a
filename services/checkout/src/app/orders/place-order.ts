import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import { Order, type OrderState, type RequestedLine, validateRequestedLines } from '../../domain/order.ts';
import type { Clock, OrderRepository } from '../ports.ts';

export interface PlaceOrderInput {
  readonly lines: readonly RequestedLine[];
}

export function placeOrder(deps: { orders: OrderRepository; clock: Clock; newId: IdGenerator; orderTtlMs: number }) {
  return async (ctx: RequestContext, input: PlaceOrderInput): Promise<OrderState> => {
    // Reject malformed lines before opening a transaction.
    validateRequestedLines(input.lines);
    const tenantId = tenantOf(ctx);
    const id = deps.newId('ord');
    const outcome = await deps.orders.place(ctx, tenantId, input.lines, (products) =>
      Order.place({ id, tenantId, lines: input.lines, products, now: deps.clock.now(), ttlMs: deps.orderTtlMs }),
    );
    if (!outcome.ok) {
      fail(
        'conflict',
        'insufficient_stock',
        `Not enough stock for ${outcome.productId} (${outcome.available} available).`,
      );
    }
    return outcome.order.state;
  };
}
