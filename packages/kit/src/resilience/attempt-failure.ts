import type { AbortCause } from './call-scope.ts';
import type { Outcome } from './outcome.ts';

/**
 * A failed attempt, returned (not thrown) through the circuit breaker so that cockatiel
 * counts it by `trips` alone (`handleResultType`) and a success costs no wrapper object.
 */
export class AttemptFailure {
  readonly error: unknown;
  readonly outcome: Outcome;
  /** Counts against the breaker. */
  readonly trips: boolean;
  /** Set when the policy itself ended the attempt. */
  readonly cause: AbortCause | undefined;

  constructor(error: unknown, outcome: Outcome, trips: boolean, cause: AbortCause | undefined) {
    this.error = error;
    this.outcome = outcome;
    this.trips = trips;
    this.cause = cause;
  }
}
