import { createContext } from '@keelson/kit/context';
import type { Logger } from 'pino';
import type { PaymentUpkeepDefaults } from '../adapters/http/admin.http.ts';
import type { Application } from '../app/application.ts';
import type { Config } from '../config.ts';

/**
 * When payments left pending are settled: `reconcile` is what `payments reconcile` defaults to
 * and the periodic run uses; `ledger verify` reports what is pending past `overdueAfterMs`.
 */
export interface PaymentUpkeep extends PaymentUpkeepDefaults {
  /** The periodic run's period; 0 = none. */
  readonly intervalMs: number;
}

// A pending payment younger than the longest request (plus this) may still be in its request's
// hands; reconciling it then is safe (the provider call is keyed) but wasted.
const inFlightMarginMs = 2_000;

export function paymentUpkeepOf(config: Config): PaymentUpkeep {
  const minAgeMs = config.maxRequestTimeoutMs + inFlightMarginMs;
  return {
    reconcile: { minAgeMs, limit: 100 },
    intervalMs: config.reconcileIntervalMs,
    // Overdue once a periodic run has had its chance at it; with none, as soon as one could.
    overdueAfterMs: minAgeMs + config.reconcileIntervalMs + inFlightMarginMs,
  };
}

/**
 * Settles payments and refunds left pending (the process died, an answer was lost) every
 * `intervalMs`, one run at a time (the next is scheduled when one ends), unref'd so it never
 * keeps the process alive. The returned stop cancels the next run and aborts the current one.
 */
export function startReconcileTimer(
  app: Application,
  upkeep: PaymentUpkeep,
  timeoutMs: number,
  logger: Logger,
): () => Promise<void> {
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let runs = 0;
  const schedule = (): void => {
    timer = setTimeout(tick, upkeep.intervalMs);
    timer.unref();
  };
  const tick = (): void => {
    runs += 1;
    const ctx = createContext({ requestId: `reconcile_${runs}`, timeoutMs, logger, signal: stopping.signal });
    running = app.commands
      .reconcilePayments(ctx, upkeep.reconcile)
      .then(
        (report) => {
          if (report.payments.pending + report.refunds.pending === 0) return;
          const unresolved = report.payments.failed + report.refunds.failed;
          if (unresolved > 0) logger.warn({ reconcile: report }, 'reconcile: some pending items are still unresolved');
          else logger.info({ reconcile: report }, 'reconcile: settled pending payments and refunds');
        },
        (error: unknown) => logger.warn({ err: error }, 'reconcile failed; it will run again'),
      )
      .finally(() => {
        running = undefined;
        if (!stopping.signal.aborted) schedule();
      });
  };
  schedule();
  return async () => {
    stopping.abort();
    clearTimeout(timer);
    await running;
  };
}
