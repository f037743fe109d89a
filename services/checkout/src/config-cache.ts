import { configField } from '@keelson/kit/config';
import { z } from 'zod';

/** Redis (shared by caches, rate limits and revocations) and the product cache. Part of `configSpec` (config.ts). */
export const cacheConfig = {
  // KEELSON_REDIS_URL is shared with rate limiting and revocations: one definition (issue 9 §1, §4).
  redisUrl: configField({
    env: 'KEELSON_REDIS_URL',
    schema: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
    optional: true,
    secret: true,
    doc: 'Redis for shared rate limits, cache, invalidations and key revocations; unset = in-process',
  }),
  redisPrefix: configField({
    env: 'KEELSON_REDIS_PREFIX',
    schema: z.string().regex(/^[\w.:-]{1,64}$/, 'must be 1-64 of letters, digits, _ . : -'),
    default: 'keelson',
    doc: 'Prefix of every Redis key and channel, so deployments can share one Redis',
  }),
  cacheTtlMs: configField({
    env: 'KEELSON_CACHE_TTL_MS',
    schema: z.coerce.number().int().min(100).max(3_600_000),
    default: 30_000,
    doc: 'Lifetime of a cached product (less up to 10% jitter); invalidation on write comes first',
  }),
  // Product cache switch (issue 9 §6: the bench's cold read). Off = every product read goes to the database.
  cacheEnabled: configField({
    env: 'KEELSON_CACHE_ENABLED',
    schema: z.stringbool(),
    default: true,
    doc: 'Serve product reads from the cache; false = every read goes to the database (the API-key cache stays)',
  }),
} as const;
