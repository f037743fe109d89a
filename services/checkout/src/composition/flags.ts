import { createFlags, type Flags } from '@keelson/kit/flags';
import type { Closer } from '@keelson/kit/lifecycle';
import type { Tracing } from '@keelson/kit/telemetry';
import type { Logger } from 'pino';
import type { PricingPolicy } from '../app/ports.ts';
import type { Config } from '../config.ts';

/**
 * The service's feature flags, each with the value it has when no flag file says otherwise. Keys
 * are what a flag file (flagd format, `KEELSON_FLAGS_PATH`) names; targeting is by tenant id.
 */
export const featureFlags = {
  /** Hedge `GET /v1/payment_intents/{id}` lookups (reconcile, ledger verify). Kill switch. */
  hedgedProviderReads: { key: 'psp-hedged-reads', fallback: true },
  /** Create webhook deliveries for a tenant's events. Off: its endpoints receive nothing new. */
  webhookDelivery: { key: 'webhook-delivery', fallback: true },
  /** Price a tenant's new orders with the volume tier (domain/pricing.ts). Off: list prices. */
  volumePricing: { key: 'order-volume-pricing', fallback: false },
} as const;

export type FeatureFlag = (typeof featureFlags)[keyof typeof featureFlags];

/**
 * Who asks: the tenant flags target, and the span the evaluation is recorded on as an event.
 * A request context is one.
 */
export interface FlagScope {
  readonly tenantId?: string | undefined;
  readonly traceparent?: string | undefined;
}

/** Whether `flag` is on for the scope's tenant, as the file says (or its fallback). */
export type FlagCheck = (flag: FeatureFlag, scope: FlagScope) => Promise<boolean>;

/**
 * The flags from `KEELSON_FLAGS_PATH` (watched; edits apply within a second), or all fallbacks.
 * Every evaluation is a `feature_flag.evaluation` event on the asking span.
 */
export async function openFlags(
  config: Config,
  logger: Logger,
  closers: Closer[],
  tracing: Tracing,
): Promise<FlagCheck> {
  const flags: Flags = await createFlags({
    file: config.flagsFile,
    tracing,
    onReloadError: (error) =>
      logger.warn({ err: error }, 'flag file edit ignored: it does not parse; the last good flags stay'),
    onEvaluation: (evaluation) => {
      if (evaluation.reason === 'ERROR')
        logger.warn({ flag: evaluation.key }, 'flag evaluation failed; its fallback applies');
    },
  });
  closers.push({ name: 'flags', close: () => flags.close() });
  return (flag, scope) =>
    flags.enabled(flag.key, flag.fallback, { tenant: scope.tenantId, traceparent: scope.traceparent });
}

/** Order pricing per tenant, from the `order-volume-pricing` flag. */
export function pricingByFlag(flags: FlagCheck): PricingPolicy {
  return async (ctx) => ((await flags(featureFlags.volumePricing, ctx)) ? 'volume' : 'list');
}
