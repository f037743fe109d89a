import type { RequestContext } from '@keelson/kit/context';
import { isAppError } from '@keelson/kit/errors';
import type { Clock, OrderRepository } from '../ports.ts';

export interface ExpireOrdersInput {
  /** Orders looked at in this batch. */
  readonly limit: number;
}

export interface ExpireOrdersReport {
  /** Unpaid orders found past `expires_at`. */
  readonly due: number;
  readonly expired: number;
  /** Paid, cancelled, or with a payment in progress since they were listed: left alone. */
  readonly skipped: number;
}

/** Codes that mean another change won the race for the order: not a failure of the job. */
const lostRace = new Set(['order_not_expirable', 'payment_in_progress']);

/**
 * The expiry job (every minute): unpaid orders past `expires_at` are expired one by one, each
 * through `orders.update`, which locks the order, releases its stock and writes `order.expired`
 * in one transaction. A payment takes the same lock, so exactly one of the two wins: a paid order
 * is no longer expirable, and an expired one is no longer payable.
 */
export function expireOrders(deps: { orders: OrderRepository; clock: Clock }) {
  return async (ctx: RequestContext, input: ExpireOrdersInput): Promise<ExpireOrdersReport> => {
    const now = deps.clock.now();
    const due = await deps.orders.listDueForExpiry(ctx, { dueBy: now, limit: input.limit });
    let expired = 0;
    let skipped = 0;
    for (const order of due) {
      try {
        await deps.orders.update(ctx, order.tenantId, order.id, (current) => current.expire(now));
        expired += 1;
      } catch (error) {
        if (!isAppError(error) || !lostRace.has(error.code)) throw error;
        skipped += 1;
      }
    }
    return { due: due.length, expired, skipped };
  };
}
