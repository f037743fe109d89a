import type { CallScopeContext } from './call-scope.ts';
import type { Classify } from './outcome.ts';
import type { BreakerState } from './policy-options.ts';
import type { PolicyStats } from './policy-stats.ts';

/**
 * What a policy needs from the caller's request context; a kit `RequestContext` fits.
 */
export type PolicyContext = CallScopeContext;

/**
 * One attempt at the dependency. `signal` fires at the deadline minus the margin (or at the
 * attempt cap, or when the caller aborts): pass it to the client. Expected answers, such as a
 * declined card, are returned as values; only failures are thrown.
 */
export type PolicyCall<T> = (signal: AbortSignal, attempt: number) => Promise<T>;

export interface ExecuteOptions {
  /**
   * Whether the call is safe to repeat (a read, or a write carrying an idempotency key).
   * Default true; `false` attempts it once, whatever `classify` says.
   */
  readonly retry?: boolean;
}

export interface HedgeOptions {
  /** Start another attempt when none has answered after this long. */
  readonly afterMs: number;
  /** Extra attempts at most; default 1. Each takes a retry from the budget. */
  readonly maxExtra?: number;
}

/**
 * A dependency's policy: deadline-derived timeout, retries with full jitter under a retry
 * budget, circuit breaker, bulkhead, hedging. One per dependency, shared by all its calls.
 *
 * The call returns every answer the caller expects, a decline included, as a value; it throws
 * only failures, and `classify` says what each one means. A rejection says why the policy
 * refused or gave up; the service maps it once (see `rejectionToAppError`).
 *
 * @example
 * ```ts
 * import { type Classify, isPolicyRejection, outcomes, type Policy, rejectionToAppError } from '@keelson/kit/resilience';
 * type Charge = { readonly status: 'succeeded' } | { readonly status: 'declined'; readonly code: string };
 * class ProviderError extends Error {
 *   readonly status: number;
 *   readonly retryAfterMs: number | undefined;
 *   constructor(status: number, retryAfterMs?: number) {
 *     super(`provider answered ${status}`);
 *     this.status = status;
 *     this.retryAfterMs = retryAfterMs;
 *   }
 * }
 * declare const psp: Policy;
 * declare function postCharge(signal: AbortSignal): Promise<Response>;
 *
 * const charge = async (signal: AbortSignal): Promise<Charge> => {
 *   const response = await postCharge(signal);
 *   if (response.status === 402) return { status: 'declined', code: 'card_declined' }; // an answer, not a failure
 *   if (!response.ok) throw new ProviderError(response.status);
 *   return { status: 'succeeded' };
 * };
 * const classify: Classify = (error) =>
 *   error instanceof ProviderError && error.status < 500 && error.status !== 429
 *     ? outcomes.permanent // a 400: our request is wrong; no retry, and the breaker is not told
 *     : outcomes.transient(error instanceof ProviderError ? error.retryAfterMs : undefined);
 *
 * try {
 *   const result = await psp.execute({ deadline: Date.now() + 2_000 }, charge, classify);
 *   console.log(result.status);
 * } catch (error) {
 *   if (isPolicyRejection(error)) throw rejectionToAppError(error, 'payment_provider_unavailable');
 *   throw error;
 * }
 * ```
 */
export interface Policy {
  readonly name: string;
  readonly state: BreakerState;
  /**
   * Milliseconds until the breaker lets a call through again while the circuit is open (or
   * half-open with every probe out); `undefined` when a call made now would pass the breaker
   * (the bulkhead may still refuse it). Lets a caller refuse early, before work that is only
   * worth doing if the call can be made; `execute` still decides, so a race only costs that work.
   */
  refusalMs(): number | undefined;
  /**
   * Runs `call` under the policy. Resolves with its value; rethrows a failure `classify` calls
   * not retryable as it is; otherwise rejects with a {@link PolicyRejection}.
   */
  execute<T>(ctx: PolicyContext, call: PolicyCall<T>, classify: Classify, options?: ExecuteOptions): Promise<T>;
  /**
   * For idempotent reads: starts another attempt if none has answered after `afterMs` (or at
   * once when one fails), takes the first success and aborts the others.
   */
  hedge<T>(ctx: PolicyContext, call: PolicyCall<T>, classify: Classify, options: HedgeOptions): Promise<T>;
  /** Counters since creation, for metrics (read at scrape time, never on the hot path). */
  stats(): PolicyStats;
}
