import { randomUUID } from 'node:crypto';

/** Header carrying the request id in both directions. */
export const requestIdHeader = 'x-request-id';

const saneRequestId = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * A fresh id: `req_` + 32 hex characters (122 random bits).
 *
 * @example
 * ```ts
 * import { generateRequestId } from '@keelson/kit/http';
 * generateRequestId(); // 'req_3f2a…'
 * ```
 */
export function generateRequestId(): string {
  return `req_${randomUUID().replaceAll('-', '')}`;
}

/**
 * Keeps a caller's id when it is a sane token (≤128 chars of `[A-Za-z0-9._-]`), so a
 * trace can be followed across services; anything else is replaced, because the id
 * is echoed in headers and written to logs verbatim.
 *
 * @example
 * ```ts
 * import { requestIdFrom } from '@keelson/kit/http';
 * requestIdFrom('abc-123');      // 'abc-123'
 * requestIdFrom('<script>');     // 'req_…'
 * ```
 */
export function requestIdFrom(inbound: string | readonly string[] | undefined): string {
  return typeof inbound === 'string' && saneRequestId.test(inbound) ? inbound : generateRequestId();
}
