import { AppError, type ErrorKind, kitErrorCodes } from '@keelson/kit/errors';

/**
 * Every code the checkout service returns. Documented in docs/errors.md (a test keeps the
 * page complete); clients switch on these, never on message text.
 */
export const checkoutErrorCodes = [
  ...kitErrorCodes,
  'invalid_api_key',
  'insufficient_scope',
  'unknown_plan',
  'invalid_currency',
  'invalid_cursor',
  'amount_too_large',
  'mixed_currencies',
  'currency_mismatch',
  'duplicate_product',
  'sku_taken',
  'version_conflict',
  'insufficient_stock',
  'order_not_cancellable',
  'order_not_payable',
  'order_already_paid',
  'order_not_refundable',
  'order_not_fulfillable',
  'payment_in_progress',
  'payment_not_refundable',
  'refund_exceeds_payment',
  'card_declined',
  'invalid_payment_method',
  'payment_provider_unavailable',
  'unknown_product',
  'product_not_found',
  'order_not_found',
  'payment_not_found',
  'refund_not_found',
  'tenant_not_found',
  'api_key_not_found',
  'invalid_webhook_url',
  'unknown_event_type',
  'too_many_webhook_endpoints',
  'webhook_endpoint_not_found',
  'event_not_found',
  'order_not_expirable',
  'dead_letter_not_found',
  'dead_letter_resolved',
  'dead_letter_not_replayable',
] as const;

export type CheckoutErrorCode = (typeof checkoutErrorCodes)[number];

/** Typed `never` so control flow knows the branch ends. */
export function fail(kind: ErrorKind, code: CheckoutErrorCode, message: string, cause?: unknown): never {
  throw new AppError<CheckoutErrorCode>(kind, code, message, cause === undefined ? {} : { cause });
}
