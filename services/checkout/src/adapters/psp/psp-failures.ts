import { AppError, isAppError } from '@keelson/kit/errors';
import { type Classify, isPolicyRejection, type Outcome, outcomes, rejectionToAppError } from '@keelson/kit/resilience';
import { ResponseTooLargeError } from './capped-body.ts';
import { StripeApiError } from './stripe-error.ts';

/** No answer at all: refused, reset or dropped connection, DNS failure. */
export class ProviderNetworkError extends Error {
  constructor(what: string, cause: unknown) {
    super(`payment provider unreachable: ${what}`, { cause });
    this.name = 'ProviderNetworkError';
  }
}

/** An answer the client cannot use (a redirect, a body that is not the expected JSON): a bug or a misconfiguration. */
export class ProviderProtocolError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ProviderProtocolError';
  }
}

/**
 * A 409 is our own duplicate still in flight at the provider (`idempotency_key_in_use`, or
 * Stripe's `lock_timeout`): worth retrying, but not the provider's ill health, so a burst of
 * duplicates cannot open the circuit on a healthy provider.
 */
const inFlightElsewhere: Outcome = { retryable: true, tripsBreaker: false };

/**
 * The provider's failures as the policy sees them. Every provider call carries our
 * Idempotency-Key (or is a read), so each transient failure may be retried. Declines and the
 * other outcomes are returned as values and never reach this.
 */
export const classifyPspFailure: Classify = (error) => {
  if (error instanceof ProviderNetworkError || error instanceof ResponseTooLargeError) return outcomes.transient();
  if (!(error instanceof StripeApiError)) return outcomes.permanent; // a protocol error, or a bug of ours
  const health = error.status >= 500 || error.status === 429;
  if (error.shouldRetry === false) return { retryable: false, tripsBreaker: health };
  if (health) return outcomes.transient(error.retryAfterMs);
  if (error.status === 409) return inFlightElsewhere;
  return error.shouldRetry === true ? inFlightElsewhere : outcomes.permanent;
};

/**
 * Every failure of a provider call as the AppError the use cases see, mapped here once:
 * the policy's rejections become 503 `payment_provider_unavailable` (Retry-After in the
 * rejection, found by `retryAfterMsOf`) or 504 `deadline_exceeded`; anything the provider
 * refused that is not an outcome (400 `idempotency_error`, 401, an unusable answer) is a bug
 * or a misconfiguration on our side: `internal_error`, with the provider's answer as the cause.
 */
export function toPspAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (isPolicyRejection(error)) return rejectionToAppError(error, 'payment_provider_unavailable');
  // A 5xx the provider itself said not to retry (`Stripe-Should-Retry: false`).
  if (error instanceof StripeApiError && (error.status >= 500 || error.status === 429)) {
    return new AppError('unavailable', 'payment_provider_unavailable', 'The payment provider is failing.', {
      cause: error,
    });
  }
  return new AppError(
    'internal',
    'internal_error',
    'The payment provider refused a request or sent an unusable answer.',
    {
      cause: error,
    },
  );
}
