import { z } from 'zod';

/**
 * Product reads may be stored by the caller only (`private`: answers are per key) and must be
 * revalidated every time (`no-cache`): a revalidation costs one warm-cache lookup and a 304
 * without a body, and a client never shows a price older than the server's, even right after
 * its own PATCH. A max-age would save that round trip but break read-your-writes.
 */
export const revalidateEveryTime = 'private, no-cache';

/** A strong validator from the product's version, which moves with every change (stock included). */
export function versionTag(version: number): string {
  return `"${version}"`;
}

/** Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2), or is `*`. */
export function matchesNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || (tag.startsWith('W/') ? tag.slice(2) : tag) === etag;
  });
}

/** The request header, in the schema so the document shows it. */
export const conditionalHeaders = z.object({
  'if-none-match': z
    .string()
    .optional()
    .meta({ description: 'An `ETag` from an earlier answer: unchanged, the answer is 304 without a body' }),
});

/** A 304 has no body (Fastify sends none); the document drops the content. */
export const notModified = z.null();
