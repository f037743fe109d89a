import { z } from 'zod';

/** The fields of Stripe's `{"error": {...}}` object the client reads (https://docs.stripe.com/api/errors). */
const errorBodySchema = z.object({
  error: z.object({
    type: z.string(),
    code: z.string().nullish(),
    decline_code: z.string().nullish(),
    message: z.string().nullish(),
    param: z.string().nullish(),
    payment_intent: z.object({ id: z.string() }).nullish(),
  }),
});

export type StripeErrorObject = z.output<typeof errorBodySchema>['error'];

/** Stripe's error object in `json`, or undefined when the body is something else (a proxy's 502 page). */
export function parseStripeError(json: unknown): StripeErrorObject | undefined {
  const parsed = errorBodySchema.safeParse(json);
  return parsed.success ? parsed.data.error : undefined;
}

/**
 * A non-2xx answer the operation does not treat as an outcome. Thrown inside the policy,
 * which asks `classifyPspFailure` whether to retry it.
 */
export class StripeApiError extends Error {
  readonly status: number;
  /** Undefined when the body was not Stripe's error object. */
  readonly error: StripeErrorObject | undefined;
  readonly retryAfterMs: number | undefined;
  /** Stripe's own verdict (`Stripe-Should-Retry`), which its SDKs follow over the status. */
  readonly shouldRetry: boolean | undefined;
  readonly requestId: string | undefined;

  constructor(status: number, error: StripeErrorObject | undefined, headers: Headers, now = Date.now()) {
    const what = [error?.type, error?.code].filter((part) => part != null).join(' ');
    super(
      `payment provider answered ${status}${what === '' ? '' : ` (${what})`}: ${error?.message ?? 'no error object'}`,
    );
    this.name = 'StripeApiError';
    this.status = status;
    this.error = error;
    this.retryAfterMs = retryAfterMs(headers.get('retry-after'), now);
    const shouldRetry = headers.get('stripe-should-retry');
    this.shouldRetry = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined;
    this.requestId = headers.get('request-id') ?? undefined;
  }
}

/** RFC 9110 `Retry-After`: delay-seconds or an HTTP-date; anything else is ignored. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // HTTP dates start with the day's name; Date.parse alone would take '-1' for a year.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
