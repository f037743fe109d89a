import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { OrderState } from '../../domain/order.ts';
import type { Clock, OrderRepository } from '../ports.ts';

export function cancelOrder(deps: { orders: OrderRepository; clock: Clock }) {
  return async (ctx: RequestContext, id: string): Promise<OrderState> =>
    deps.orders.update(ctx, tenantOf(ctx), id, (order) => order.cancel(deps.clock.now()));
}
