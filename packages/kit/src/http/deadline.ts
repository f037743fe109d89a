import { AppError } from '../errors/index.ts';

/** Optional inbound header: an RFC 3339 timestamp by which the caller stops waiting. */
export const requestDeadlineHeader = 'x-request-deadline';

/** The server's side of the deadline: what a request gets by default, and at most. */
export interface DeadlinePolicy {
  /** Budget of a request that states no deadline. */
  readonly defaultTimeoutMs: number;
  /** Upper bound on any budget, whatever the caller asks for. */
  readonly maxTimeoutMs: number;
}

/** A budget for the request, or the reason it is refused before its handler runs. */
export type DeadlineDecision =
  | { readonly ok: true; readonly timeoutMs: number }
  | { readonly ok: false; readonly error: AppError };

// Date.parse accepts far more than RFC 3339 (e.g. "1", "March 7"); check the shape first.
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The budget a request gets. Without a header it is `min(default, max)`; a header may
 * ask for any deadline up to `max` (it can shorten the default or lengthen it up to
 * `max`, never beyond). A deadline already past, or a malformed header, is refused so
 * the handler never runs.
 *
 * @example
 * ```ts
 * import { decideTimeout } from '@keelson/kit/http';
 * const policy = { defaultTimeoutMs: 5_000, maxTimeoutMs: 30_000 };
 * decideTimeout(undefined, policy, Date.now()); // { ok: true, timeoutMs: 5000 }
 * ```
 */
export function decideTimeout(header: string | undefined, policy: DeadlinePolicy, now: number): DeadlineDecision {
  const cap = policy.maxTimeoutMs;
  if (header === undefined) return { ok: true, timeoutMs: Math.min(policy.defaultTimeoutMs, cap) };
  const deadline = rfc3339.test(header) ? Date.parse(header) : Number.NaN;
  if (Number.isNaN(deadline)) {
    const message = `${requestDeadlineHeader} must be an RFC 3339 timestamp, e.g. 2030-01-01T00:00:00Z.`;
    return { ok: false, error: new AppError('invalid', 'invalid_request', message) };
  }
  if (deadline <= now) {
    const message = `The deadline in ${requestDeadlineHeader} had passed when the request arrived.`;
    return { ok: false, error: new AppError('deadline_exceeded', 'deadline_exceeded', message) };
  }
  return { ok: true, timeoutMs: Math.min(deadline - now, cap) };
}
