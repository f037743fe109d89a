import type { RequestContext } from '@keelson/kit/context';
import type { Clock, PaymentProvider, PaymentRepository } from '../ports.ts';
import { chargePending } from './pay-order.ts';
import { refundPending } from './refund-payment.ts';

export interface ReconcileInput {
  /** Only items pending longer than this: younger ones may still be in flight. */
  readonly minAgeMs: number;
  readonly limit: number;
}

export interface ReconcileReport {
  /** Pending items found, and how many a provider answer settled. */
  readonly payments: { readonly pending: number; readonly settled: number; readonly failed: number };
  readonly refunds: { readonly pending: number; readonly settled: number; readonly failed: number };
}

/**
 * `keelson payments reconcile` (and a periodic run): payments and refunds left pending (the
 * process died, the answer was lost, the deadline passed) are resolved by sending the same keyed
 * provider request again; the provider answers the original outcome, so nothing is charged twice.
 * One item failing (provider still down) is counted and does not stop the others.
 */
export function reconcilePayments(deps: { payments: PaymentRepository; provider: PaymentProvider; clock: Clock }) {
  return async (ctx: RequestContext, input: ReconcileInput): Promise<ReconcileReport> => {
    const scan = { olderThan: new Date(deps.clock.now().getTime() - input.minAgeMs), limit: input.limit };
    const payments = await deps.payments.listPending(ctx, scan);
    let settled = 0;
    let failed = 0;
    for (const payment of payments) {
      try {
        if ((await chargePending(ctx, deps, payment)).status !== 'pending') settled += 1;
      } catch (error) {
        failed += 1;
        ctx.logger.warn({ err: error, payment_id: payment.id }, 'reconcile: payment still unresolved');
      }
    }
    const refunds = await deps.payments.listPendingRefunds(ctx, scan);
    let refundsSettled = 0;
    let refundsFailed = 0;
    for (const refund of refunds) {
      try {
        if ((await refundPending(ctx, deps, refund)).status !== 'pending') refundsSettled += 1;
      } catch (error) {
        refundsFailed += 1;
        ctx.logger.warn({ err: error, refund_id: refund.id }, 'reconcile: refund still unresolved');
      }
    }
    return {
      payments: { pending: payments.length, settled, failed },
      refunds: { pending: refunds.length, settled: refundsSettled, failed: refundsFailed },
    };
  };
}
