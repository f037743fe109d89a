/**
 * Whether a status the handler answered with is a final outcome, stored and replayed for the
 * key's retention, or a transient one after which the key is released for the next retry.
 *
 * The rule: 2xx, 3xx and 4xx are final, except 408 and 429; 5xx are not final.
 * - 4xx after execution are the handler's own answers (402 declined, 409 business conflicts,
 *   404, 400 business validation): repeating the same request gives the same answer, so the
 *   replay is the truth. Authentication and schema validation answer before the key is even
 *   looked at, so their 4xx are never stored.
 * - 408 Request Timeout and 429 Too Many Requests say "not now", not "no": the same request
 *   may succeed later, so the key is released.
 * - 5xx (500, 502, 503, 504…) are transient by definition: the key keeps its fingerprint, its
 *   lock is released, and the next retry executes again (with `recovered: true`).
 *
 * @example
 * ```ts
 * import { isFinalStatus } from '@keelson/kit/idempotency';
 * isFinalStatus(201); // true
 * isFinalStatus(402); // true
 * isFinalStatus(429); // false
 * isFinalStatus(503); // false
 * ```
 */
export function isFinalStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status < 500 && status !== 408 && status !== 429;
}
