// The paying client of the payment chaos tests: one order, one Idempotency-Key, retried the way
// a careful integrator would (409, 5xx and dropped connections; backoff that honours
// Retry-After; a deadline), every answer kept so a test can count retries and check that all
// answers for one key name one payment.
import { setTimeout as delay } from 'node:timers/promises';

/** One answer to a payment request; status 0 is a failed connection (refused, reset, cut). */
export interface Attempt {
  readonly status: number;
  readonly code: string | undefined;
  /** The payment a 201 or a problem (`payment_id`) named. */
  readonly paymentId: string | undefined;
  readonly retryAfterMs: number | undefined;
}

export interface PayResult {
  readonly orderId: string;
  readonly key: string;
  readonly attempts: readonly Attempt[];
  /** The last answer; 201 for a client that got its payment. */
  readonly last: Attempt | undefined;
}

export interface PayOptions {
  /** Read on every attempt: a restarted service may listen elsewhere. */
  readonly apiUrl: () => string;
  readonly token: string;
  readonly orderId: string;
  readonly key: string;
  readonly random: () => number;
  /** Epoch ms after which the client gives up (and the test fails). */
  readonly deadline: number;
  readonly maxAttempts: number;
  /** Aborted when the test ends early: the client stops at once instead of at its deadline. */
  readonly signal: AbortSignal;
  readonly onAnswer?: (attempt: Attempt) => void;
}

async function attemptPayment(options: PayOptions): Promise<Attempt> {
  try {
    const response = await fetch(`${options.apiUrl()}/v1/orders/${options.orderId}/payments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json',
        'idempotency-key': options.key,
      },
      body: JSON.stringify({ payment_method: 'pm_card_visa' }),
      signal: AbortSignal.any([AbortSignal.timeout(15_000), options.signal]),
    });
    const text = await response.text();
    // Every answer of the API is a JSON object: the payment or a problem document.
    const body = JSON.parse(text) as { id?: string; code?: string; payment_id?: string };
    const retryAfter = response.headers.get('retry-after');
    return {
      status: response.status,
      code: body.code,
      paymentId: response.status === 201 ? body.id : body.payment_id,
      retryAfterMs: retryAfter === null ? undefined : Number(retryAfter) * 1_000,
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.name) : String(cause);
    return { status: 0, code, paymentId: undefined, retryAfterMs: undefined };
  }
}

/** 409 (in progress), 5xx and failed connections are worth another try with the same key. */
export function isRetryable(attempt: Attempt): boolean {
  return attempt.status === 0 || attempt.status === 409 || attempt.status >= 500;
}

/** An answer by cause, e.g. `201`, `network`, `409 idempotency_request_in_progress`, `503 payment_provider_unavailable`. */
export function causeOf(attempt: Attempt): string {
  if (attempt.status === 0) return 'network';
  return attempt.code === undefined ? String(attempt.status) : `${attempt.status} ${attempt.code}`;
}

/**
 * Pays one order with one key until an answer is final, retrying with full-jitter backoff
 * (50 ms doubling to 1 s) that never undercuts a Retry-After and never sleeps past the deadline.
 */
export async function payUntilFinal(options: PayOptions): Promise<PayResult> {
  const attempts: Attempt[] = [];
  for (let n = 0; n < options.maxAttempts && Date.now() < options.deadline && !options.signal.aborted; n++) {
    const attempt = await attemptPayment(options);
    attempts.push(attempt);
    options.onAnswer?.(attempt);
    if (!isRetryable(attempt)) break;
    const backoff = options.random() * Math.min(1_000, 50 * 2 ** n);
    const wait = Math.max(backoff, attempt.retryAfterMs ?? 0);
    const capped = Math.max(0, Math.min(wait, options.deadline - Date.now()));
    await delay(capped, undefined, { signal: options.signal }).catch(() => {});
  }
  return { orderId: options.orderId, key: options.key, attempts, last: attempts.at(-1) };
}

/**
 * Answers outside `expected` (causes as `causeOf` names them), besides 201 and dropped
 * connections: a 500 above all, which is a bug to report, never a reason to retry.
 */
export function unexpectedAnswers(results: readonly PayResult[], expected: ReadonlySet<string>): Attempt[] {
  return results
    .flatMap((r) => r.attempts)
    .filter((a) => a.status !== 0 && a.status !== 201 && !expected.has(causeOf(a)));
}

/** Retries by cause over every client: an attempt followed by another is a retry for its cause. */
export function retriesByCause(results: readonly PayResult[]): Record<string, number> {
  const causes: Record<string, number> = {};
  for (const result of results) {
    for (const attempt of result.attempts.slice(0, -1)) causes[causeOf(attempt)] = (causes[causeOf(attempt)] ?? 0) + 1;
  }
  return causes;
}

/** Each key's answers name one payment (when they name one at all); lists the keys that broke it. */
export function keysNamingTwoPayments(results: readonly PayResult[]): string[] {
  const named = new Map<string, Set<string>>();
  for (const result of results) {
    const ids = named.get(result.key) ?? new Set<string>();
    for (const attempt of result.attempts) if (attempt.paymentId !== undefined) ids.add(attempt.paymentId);
    named.set(result.key, ids);
  }
  return [...named].filter(([, ids]) => ids.size > 1).map(([key, ids]) => `${key}: ${[...ids].join(', ')}`);
}
