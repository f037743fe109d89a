import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { OrderState } from '../../domain/order.ts';
import type { OrderListFilter, OrderRepository, Page } from '../ports.ts';

export function listOrders(deps: { orders: OrderRepository }) {
  return async (ctx: RequestContext, filter: OrderListFilter): Promise<Page<OrderState>> =>
    deps.orders.list(ctx, tenantOf(ctx), filter);
}
