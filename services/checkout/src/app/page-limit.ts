import { fail } from '../domain/errors.ts';

/** The `limit` every list accepts, public and admin; the wire schemas are built from it. */
export const pageLimits = { min: 1, max: 100, default: 10 } as const;

/**
 * The CLI calls the list use cases directly, with no HTTP schema in front of them, and an
 * out-of-range limit would reach SQL (`LIMIT -1` is an error, `LIMIT 0` a wrong `has_more`).
 */
export function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < pageLimits.min || limit > pageLimits.max) {
    fail('invalid', 'invalid_request', `limit must be a whole number from ${pageLimits.min} to ${pageLimits.max}.`);
  }
}
