import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import { Order, type OrderState, type RequestedLine, validateRequestedLines } from '../../domain/order.ts';
import type { Clock, OrderRepository, PricingPolicy } from '../ports.ts';

export interface PlaceOrderInput {
  readonly lines: readonly RequestedLine[];
  /**
   * The request's `Idempotency-Key`. `recovered`: an earlier attempt under this key ran without
   * a stored answer (it crashed, or its answer was lost), so it may have placed the order already.
   */
  readonly idempotency?: { readonly key: string; readonly recovered: boolean };
}

export function placeOrder(deps: {
  orders: OrderRepository;
  clock: Clock;
  newId: IdGenerator;
  orderTtlMs: number;
  /** Absent: list prices. */
  pricing?: PricingPolicy;
}) {
  return async (ctx: RequestContext, input: PlaceOrderInput): Promise<OrderState> => {
    // Reject malformed lines before opening a transaction.
    validateRequestedLines(input.lines);
    const tenantId = tenantOf(ctx);
    const { idempotency } = input;
    // The recovery point: an earlier attempt's order, committed before its answer was stored.
    if (idempotency?.recovered) {
      const placed = await deps.orders.findByIdempotencyKey(ctx, tenantId, idempotency.key);
      if (placed !== undefined) return placed;
    }
    // Decided before the transaction: the repository's closure stays pure and quick.
    const pricing = (await deps.pricing?.(ctx)) ?? 'list';
    const id = deps.newId('ord');
    const outcome = await deps.orders.place(
      ctx,
      tenantId,
      input.lines,
      (products) =>
        Order.place({
          id,
          tenantId,
          lines: input.lines,
          products,
          now: deps.clock.now(),
          ttlMs: deps.orderTtlMs,
          pricing,
        }),
      idempotency?.key,
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
