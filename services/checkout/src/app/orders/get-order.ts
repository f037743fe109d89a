import { type RequestContext, tenantOf } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { OrderState } from '../../domain/order.ts';
import type { OrderRepository } from '../ports.ts';

export function getOrder(deps: { orders: OrderRepository }) {
  return async (ctx: RequestContext, id: string): Promise<OrderState> => {
    const order = await deps.orders.get(ctx, tenantOf(ctx), id);
    if (!order) fail('not_found', 'order_not_found', `No such order: ${id}.`);
    return order;
  };
}
