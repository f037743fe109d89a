import { AppError } from '../errors/index.ts';
import { parseRfc3339 } from './rfc3339.ts';

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

/**
 * The budget a request gets. Without a header it is `min(default, max)`; a header may
 * ask for any deadline up to `max` (it can shorten the default or lengthen it up to
 * `max`, never beyond). A deadline already past, or a malformed header (which includes
 * an impossible date or time such as 2030-02-30 or 24:00), is refused so the handler
 * never runs.
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
  // Not Date.parse: it accepts far more than RFC 3339 ("1", "March 7") and rolls
  // impossible dates over (2030-02-30 becomes 2 March).
  const deadline = parseRfc3339(header);
  if (deadline === undefined) {
    const message = `${requestDeadlineHeader} must be an RFC 3339 timestamp, e.g. 2030-01-01T00:00:00Z.`;
    return { ok: false, error: new AppError('invalid', 'invalid_request', message) };
  }
  if (deadline <= now) {
    const message = `The deadline in ${requestDeadlineHeader} had passed when the request arrived.`;
    return { ok: false, error: new AppError('deadline_exceeded', 'deadline_exceeded', message) };
  }
  return { ok: true, timeoutMs: Math.min(deadline - now, cap) };
}
