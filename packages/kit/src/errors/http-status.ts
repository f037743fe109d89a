import type { ErrorKind } from './app-error.ts';

/** The HTTP transport's one table from kind to status. */
export const httpStatusByKind: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  overloaded: 503,
  unavailable: 503,
  deadline_exceeded: 504,
  internal: 500,
};

/**
 * A few protocol-level codes have a more precise HTTP status than their kind;
 * they are listed here, in the same place, so the mapping stays in one file.
 */
export const httpStatusByCode: Readonly<Record<string, number>> = {
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  request_timeout: 408,
  // RFC 9110's 422: the request is well-formed, but this key already names another request.
  idempotency_key_reused: 422,
  // 402 for a declined card, as Stripe's API answers: the one payment code every service that
  // takes payments shares, so it is named here rather than given a kind of its own.
  card_declined: 402,
};

export const titleByKind: Readonly<Record<ErrorKind, string>> = {
  invalid: 'Invalid request',
  unauthenticated: 'Unauthenticated',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  rate_limited: 'Too many requests',
  overloaded: 'Overloaded',
  unavailable: 'Service unavailable',
  deadline_exceeded: 'Deadline exceeded',
  internal: 'Internal error',
};

export function httpStatusOf(kind: ErrorKind, code: string): number {
  // Own keys only: a code like 'constructor' must not find Object.prototype members.
  return Object.hasOwn(httpStatusByCode, code)
    ? (httpStatusByCode[code] ?? httpStatusByKind[kind])
    : httpStatusByKind[kind];
}
