/**
 * The closed set of error kinds every Keelson transport knows how to map.
 * Kinds are few and stable; the `code` carried next to them is what clients switch on.
 */
export const errorKinds = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'overloaded',
  'unavailable',
  'deadline_exceeded',
  'internal',
] as const;

export type ErrorKind = (typeof errorKinds)[number];

/** One field-level problem, as reported by validation. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly cause?: unknown;
  /** Field-level details safe to show to the caller (never internals). */
  readonly issues?: readonly FieldIssue[];
  /**
   * When a retry may succeed (an open breaker's half-open time, a provider's Retry-After);
   * transports answer it as `Retry-After`.
   */
  readonly retryAfterMs?: number;
  /**
   * Extension members of the problem document (RFC 9457 §3.2), snake_case, safe to show:
   * e.g. a declined card's `decline_code` and `payment_id`. They never replace a standard member.
   */
  readonly extensions?: Readonly<Record<string, string | number | null>>;
}

/**
 * The one error type use cases and adapters throw for expected failures.
 *
 * @example
 * ```ts
 * import { AppError } from '@keelson/kit/errors';
 * throw new AppError('not_found', 'order_not_found', 'No such order: ord_123');
 * ```
 */
export class AppError<Code extends string = string> extends Error {
  readonly kind: ErrorKind;
  readonly code: Code;
  readonly issues: readonly FieldIssue[];
  readonly retryAfterMs: number | undefined;
  readonly extensions: Readonly<Record<string, string | number | null>>;

  constructor(kind: ErrorKind, code: Code, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.issues = options.issues ?? [];
    this.retryAfterMs = options.retryAfterMs;
    this.extensions = options.extensions ?? {};
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Codes the kit itself raises; services add their own list next to these. */
export const kitErrorCodes = [
  'invalid_request',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'route_not_found',
  'method_not_allowed',
  'request_timeout',
  'deadline_exceeded',
  'database_unavailable',
  'transaction_aborted',
  'shutting_down',
  'internal_error',
  // Idempotency-Key handling (`@keelson/kit/idempotency`).
  'idempotency_key_required',
  'idempotency_key_invalid',
  'idempotency_key_reused',
  'idempotency_request_in_progress',
  // Rate limiting (`@keelson/kit/ratelimit`) and load shedding (`@keelson/kit/shedding`).
  'rate_limited',
  'overloaded',
] as const;

export type KitErrorCode = (typeof kitErrorCodes)[number];
