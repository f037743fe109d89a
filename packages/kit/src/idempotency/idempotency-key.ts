/** The request header carrying the key (draft-ietf-httpapi-idempotency-key-header). */
export const idempotencyKeyHeader = 'idempotency-key';

/** Longest key accepted, as Stripe's API. */
export const maxIdempotencyKeyLength = 255;

// %x20-7E: printable ASCII, space included (it cannot lead or trail: HTTP strips that whitespace).
const keyPattern = new RegExp(`^[\\x20-\\x7E]{1,${maxIdempotencyKeyLength}}$`);

/**
 * Whether `key` is 1–255 printable ASCII characters (`%x20-7E`).
 *
 * @example
 * ```ts
 * import { isValidIdempotencyKey } from '@keelson/kit/idempotency';
 * isValidIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324'); // true
 * isValidIdempotencyKey('café'); // false
 * ```
 */
export function isValidIdempotencyKey(key: string): boolean {
  return keyPattern.test(key);
}

/** What a request's `Idempotency-Key` header said. */
export type IdempotencyKeyHeader =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'valid'; readonly key: string };

/**
 * Reads the header from every value it was sent with: none is `missing`, more than one is
 * `invalid` (a client sending two keys cannot mean either), one is `valid` or `invalid` by
 * {@link isValidIdempotencyKey}. Node joins repeated headers with ", ", which can be a valid key,
 * so pass the distinct values (`req.headersDistinct`, or {@link headerValues} over `rawHeaders`).
 *
 * @example
 * ```ts
 * import { parseIdempotencyKey } from '@keelson/kit/idempotency';
 * parseIdempotencyKey(['k-1']); // { kind: 'valid', key: 'k-1' }
 * parseIdempotencyKey(['k-1', 'k-2']).kind; // 'invalid'
 * parseIdempotencyKey([]).kind; // 'missing'
 * ```
 */
export function parseIdempotencyKey(values: readonly string[]): IdempotencyKeyHeader {
  const [key, ...others] = values;
  if (key === undefined) return { kind: 'missing' };
  if (others.length > 0) return { kind: 'invalid', reason: 'Send the Idempotency-Key header once.' };
  if (!isValidIdempotencyKey(key)) {
    return {
      kind: 'invalid',
      reason: `The Idempotency-Key must be 1 to ${maxIdempotencyKeyLength} printable ASCII characters.`,
    };
  }
  return { kind: 'valid', key };
}

/**
 * Every value of header `name` (any case) in a Node `rawHeaders` list (`[name, value, name, value, …]`),
 * in the order sent. Works on real sockets and on Fastify's `inject`, which both fill `rawHeaders`.
 *
 * @example
 * ```ts
 * import { headerValues } from '@keelson/kit/idempotency';
 * headerValues(['Idempotency-Key', 'a', 'Host', 'x', 'idempotency-key', 'b'], 'idempotency-key'); // ['a', 'b']
 * ```
 */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const header = rawHeaders[i];
    const value = rawHeaders[i + 1];
    if (header !== undefined && value !== undefined && header.toLowerCase() === wanted) values.push(value);
  }
  return values;
}
