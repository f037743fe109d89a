import type { PaymentUpkeepDefaults } from '../adapters/http/admin.http.ts';
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
