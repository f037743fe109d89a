import type { IdempotencyRecord, Ledger } from './ledger.ts';
import { StripeRequestError } from './stripe-errors.ts';

/**
 * Stripe's Idempotency-Key semantics (https://docs.stripe.com/api/idempotent_requests):
 * a completed request's answer is replayed for the same key and parameters; other
 * parameters or another endpoint under the same key are a 400 idempotency_error; a
 * duplicate that arrives while the first still runs is a 409 `idempotency_key_in_use`.
 * Completed answers live in the ledger (durable); the in-flight claims live here, in
 * memory only: a request whose process died never answered, so nothing may hold its key.
 */
export class IdempotencyKeys {
  private readonly inFlight = new Map<string, { readonly endpoint: string; readonly fingerprint: string }>();

  private readonly ledger: Ledger;

  constructor(ledger: Ledger) {
    this.ledger = ledger;
  }

  /** The stored answer to replay, or undefined when the request must run; throws on a conflict. */
  check(scope: string, key: string, endpoint: string, fingerprint: string): IdempotencyRecord | undefined {
    const stored = this.ledger.storedResponse(scope, key);
    const seen = stored ?? this.inFlight.get(claimId(scope, key));
    if (seen === undefined) return undefined;
    if (seen.endpoint !== endpoint) {
      throw idempotencyError(
        400,
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${seen.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (seen.fingerprint !== fingerprint) {
      throw idempotencyError(
        400,
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (stored !== undefined) return stored;
    throw idempotencyError(
      409,
      `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      'idempotency_key_in_use',
    );
  }

  /** How many keys are held by requests still running (`GET /sim/stats`), so tests can wait on it. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Holds the key until `release` runs (after the answer was stored, or when nothing will be). */
  claim(scope: string, key: string, endpoint: string, fingerprint: string): () => void {
    const id = claimId(scope, key);
    this.inFlight.set(id, { endpoint, fingerprint });
    return () => this.inFlight.delete(id);
  }
}

/** Stripe caps keys at 255 characters. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(',') : header;
  if (key.length === 0 || key.length > 255) {
    throw idempotencyError(400, 'Idempotency-Key must be between 1 and 255 characters long.');
  }
  return key;
}

function claimId(scope: string, key: string): string {
  return `${scope}\n${key}`;
}

function idempotencyError(status: number, message: string, code?: string): StripeRequestError {
  return new StripeRequestError(status, {
    type: 'idempotency_error',
    message,
    ...(code === undefined ? {} : { code }),
  });
}
