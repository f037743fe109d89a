import type { PaymentIntentJson, PaymentMethodJson } from './objects.ts';

/** Stripe's `error.type` values (https://docs.stripe.com/api/errors). */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

/** The object inside Stripe's `{"error": {...}}` body; optional fields are left out, not null. */
export interface StripeErrorBody {
  readonly type: StripeErrorType;
  readonly message: string;
  readonly code?: string;
  readonly decline_code?: string;
  readonly param?: string;
  readonly doc_url?: string;
  readonly charge?: string;
  readonly payment_intent?: PaymentIntentJson;
  readonly payment_method?: PaymentMethodJson;
}

/**
 * A request Stripe answers with an error object. Thrown only for requests rejected before an
 * endpoint executes (authentication, validation, idempotency conflicts), which Stripe never
 * stores under the idempotency key; declines and refund conflicts are outcomes, returned as data.
 */
export class StripeRequestError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, body: StripeErrorBody, headers: Readonly<Record<string, string>> = {}) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.name = 'StripeRequestError';
  }
}

/** Stripe links each error code to its page; the SDK exposes it as `err.doc_url`. */
export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}`;
}

/** Error body fields in Stripe's order, `doc_url` added for coded errors. */
export function errorBody(fields: StripeErrorBody): StripeErrorBody {
  return fields.code === undefined || fields.doc_url !== undefined
    ? fields
    : { ...fields, doc_url: docUrl(fields.code) };
}

export function errorJson(body: StripeErrorBody): string {
  return JSON.stringify({ error: body });
}

export function invalidRequest(
  status: number,
  message: string,
  extra: Partial<StripeErrorBody> = {},
): StripeRequestError {
  return new StripeRequestError(status, errorBody({ type: 'invalid_request_error', message, ...extra }));
}

export function parameterMissing(param: string): StripeRequestError {
  return invalidRequest(400, `Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function parameterUnknown(param: string): StripeRequestError {
  return invalidRequest(400, `Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });
}

export function parameterInvalid(param: string, message: string, code?: string): StripeRequestError {
  return invalidRequest(400, message, code === undefined ? { param } : { code, param });
}

/** `kind` as Stripe names it in the message: `payment_intent`, `refund`, `PaymentMethod`. */
export function resourceMissing(status: 400 | 404, kind: string, id: string, param: string): StripeRequestError {
  return invalidRequest(status, `No such ${kind}: '${id}'`, { code: 'resource_missing', param });
}

export function unrecognizedUrl(method: string, path: string): StripeRequestError {
  return invalidRequest(
    404,
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  );
}
