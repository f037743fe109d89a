import { AppError } from '@keelson/kit/errors';
import type { PaymentProvider } from '../ports.ts';

/**
 * Refuses a payment or refund at once while the provider's circuit is open, before its key is
 * taken or anything is recorded. Recording first would leave a pending payment (or a refund
 * holding its amount) that no provider ever saw, for reconcile to charge minutes after the
 * client was told 503; and the open circuit is when answering fast matters most. The policy
 * still decides at the call itself, so a circuit that opens in between costs only that pending
 * record, which the client's retry or reconcile settles like any other.
 */
export function requireProvider(deps: { readonly provider: PaymentProvider }) {
  return (): void => {
    const retryAfterMs = deps.provider.unavailableForMs();
    if (retryAfterMs === undefined) return;
    throw new AppError(
      'unavailable',
      'payment_provider_unavailable',
      'The payment provider is failing; calls to it are paused.',
      { retryAfterMs },
    );
  };
}
