import { AppError } from '../errors/index.ts';

/** Why a policy refused or gave up on a call. A closed set: metrics and error mappings switch on it. */
export const rejectionReasons = [
  'circuit_open',
  'bulkhead_full',
  'deadline_exceeded',
  'retry_budget_exhausted',
  'attempts_exhausted',
] as const;

/**
 * - `circuit_open`: the breaker is open (or half-open with every probe taken); the call never ran.
 * - `bulkhead_full`: every slot and queue place is taken; the call never ran.
 * - `deadline_exceeded`: the deadline (minus the margin) passed, or the caller's signal aborted.
 * - `retry_budget_exhausted`: a retryable failure, but the dependency's retry budget is spent.
 * - `attempts_exhausted`: a retryable failure and no attempt left: the last allowed one failed,
 *   the call is not safe to repeat, or the dependency asked to wait past the deadline.
 */
export type RejectionReason = (typeof rejectionReasons)[number];

export interface PolicyRejectionOptions {
  /** The last failure of the dependency, when there was one. */
  readonly cause?: unknown;
  readonly retryAfterMs?: number;
}

/**
 * Thrown by a policy when it refuses or gives up on a call. A failure the caller classified
 * as not retryable (a 400) is rethrown as it is instead, so the caller maps its own errors.
 *
 * @example
 * ```ts
 * import { PolicyRejection } from '@keelson/kit/resilience';
 * const rejection = new PolicyRejection('circuit_open', 'psp', { retryAfterMs: 4_000 });
 * rejection.reason; // 'circuit_open'
 * ```
 */
export class PolicyRejection extends Error {
  readonly reason: RejectionReason;
  /** The policy's name (its dependency). */
  readonly dependency: string;
  /**
   * When trying again makes sense: until half-open for `circuit_open`; the dependency's own
   * `Retry-After` for the others when the last failure carried one.
   */
  readonly retryAfterMs: number | undefined;

  constructor(reason: RejectionReason, dependency: string, options: PolicyRejectionOptions = {}) {
    super(
      `${dependency}: ${reason.replaceAll('_', ' ')}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'PolicyRejection';
    this.reason = reason;
    this.dependency = dependency;
    this.retryAfterMs = options.retryAfterMs === undefined ? undefined : Math.max(0, Math.ceil(options.retryAfterMs));
  }
}

/**
 * @example
 * ```ts
 * import { isPolicyRejection } from '@keelson/kit/resilience';
 * const error: unknown = new Error('boom');
 * if (isPolicyRejection(error)) console.log(error.reason);
 * ```
 */
export function isPolicyRejection(value: unknown): value is PolicyRejection {
  return value instanceof PolicyRejection;
}

const messages: Readonly<Record<RejectionReason, string>> = {
  circuit_open: 'An upstream service is failing; calls to it are paused.',
  bulkhead_full: 'An upstream service has too many calls in progress.',
  deadline_exceeded: 'The request deadline passed while waiting for an upstream service.',
  retry_budget_exhausted: 'An upstream service is failing and no retry is left in its budget.',
  attempts_exhausted: 'An upstream service failed on every attempt.',
};

/**
 * Maps a rejection to the kit's error taxonomy, stated once per service: `deadline_exceeded`
 * becomes kind and code `deadline_exceeded` (504); every other reason becomes kind
 * `unavailable` (503) with the caller's `code`. The rejection is the `cause`, so
 * {@link retryAfterMsOf} finds its `Retry-After` later. Messages never name the dependency.
 *
 * @example
 * ```ts
 * import { PolicyRejection, rejectionToAppError } from '@keelson/kit/resilience';
 * const error = rejectionToAppError(new PolicyRejection('bulkhead_full', 'psp'), 'payment_provider_unavailable');
 * error.kind; // 'unavailable'
 * ```
 */
export function rejectionToAppError<Code extends string>(
  rejection: PolicyRejection,
  code: Code,
): AppError<Code | 'deadline_exceeded'> {
  const message = messages[rejection.reason];
  return rejection.reason === 'deadline_exceeded'
    ? new AppError('deadline_exceeded', 'deadline_exceeded', message, { cause: rejection })
    : new AppError('unavailable', code, message, {
        cause: rejection,
        ...(rejection.retryAfterMs === undefined ? {} : { retryAfterMs: rejection.retryAfterMs }),
      });
}

/**
 * The `retryAfterMs` of the first {@link PolicyRejection} in `error`'s cause chain, so a
 * transport can answer `Retry-After` for any error built by {@link rejectionToAppError}.
 *
 * @example
 * ```ts
 * import { PolicyRejection, rejectionToAppError, retryAfterMsOf } from '@keelson/kit/resilience';
 * const error = rejectionToAppError(new PolicyRejection('circuit_open', 'psp', { retryAfterMs: 1_500 }), 'unavailable');
 * retryAfterMsOf(error); // 1500
 * ```
 */
export function retryAfterMsOf(error: unknown): number | undefined {
  let current = error;
  // Bounded: a cause chain can be cyclic.
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof PolicyRejection) return current.retryAfterMs;
    current = current.cause;
  }
  return undefined;
}
