import { configField } from '@keelson/kit/config';
import { policyNamePattern } from '@keelson/kit/ratelimit';
import { z } from 'zod';

/** A named plan of KEELSON_RATE_LIMIT_PLANS; the name is announced in RateLimit-Policy. */
const ratePlan = z.strictObject({
  rate: z.number().gt(0),
  burst: z.number().int().min(1),
  concurrency: z.number().int().min(1),
});
const ratePlansSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown; // checked by the record schema below
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of plans' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(policyNamePattern, 'plan names are a-z, 0-9, _ and -'), ratePlan));

/** Rate limits per API key and load shedding (composition/limits.ts). Part of `configSpec` (config.ts). */
export const limitConfig = {
  // Rate limiting and load shedding (issue 9): one block, see composition/limits.ts.
  rateLimitRate: configField({
    env: 'KEELSON_RATE_LIMIT_RATE',
    schema: z.coerce.number().gt(0),
    default: 100,
    doc: 'Default plan: requests per second an API key may sustain',
  }),
  rateLimitBurst: configField({
    env: 'KEELSON_RATE_LIMIT_BURST',
    schema: z.coerce.number().int().min(1),
    default: 200,
    doc: 'Default plan: requests an API key may send at once after a quiet spell',
  }),
  rateLimitConcurrency: configField({
    env: 'KEELSON_RATE_LIMIT_CONCURRENCY',
    schema: z.coerce.number().int().min(1),
    default: 50,
    doc: 'Default plan: requests of one API key in flight at once',
  }),
  rateLimitPlans: configField({
    env: 'KEELSON_RATE_LIMIT_PLANS',
    schema: ratePlansSchema,
    default: {},
    doc: 'Named plans, a JSON object: {"gold": {"rate": 500, "burst": 1000, "concurrency": 100}}',
  }),
  // KEELSON_REDIS_URL (redisUrl) is defined once, in config-cache.ts: limits share it.
  rateLimitStore: configField({
    env: 'KEELSON_RATE_LIMIT_STORE',
    schema: z.enum(['shared', 'local']),
    default: 'shared',
    doc: 'shared = buckets in Redis when KEELSON_REDIS_URL is set (one limit for all instances); local = in this process (each instance enforces the plan on its own, no Redis call per request)',
  }),
  rateLimitRedisTimeoutMs: configField({
    env: 'KEELSON_RATE_LIMIT_REDIS_TIMEOUT_MS',
    schema: z.coerce.number().int().min(1).max(1_000),
    default: 50,
    doc: 'Longest wait for Redis per rate-limit decision; beyond it this process decides alone',
  }),
  shedEnabled: configField({
    env: 'KEELSON_SHED_ENABLED',
    schema: z.stringbool(),
    default: true,
    doc: 'Shed load (503 overloaded) when the event loop is saturated',
  }),
  shedMaxEventLoopDelayMs: configField({
    env: 'KEELSON_SHED_MAX_EVENT_LOOP_DELAY_MS',
    schema: z.coerce.number().int().min(1),
    default: 50,
    doc: 'p99 event-loop delay that counts as at capacity for load shedding (a backstop to the utilisation target)',
  }),
  shedMaxInFlight: configField({
    env: 'KEELSON_SHED_MAX_IN_FLIGHT',
    schema: z.coerce.number().int().min(1),
    optional: true,
    doc: 'Requests in flight that count as at capacity for load shedding; unset = 8 × KEELSON_DATABASE_POOL_MAX',
  }),
  // Load shedding's utilisation target (ADR 0012), see composition/limits.ts.
  shedTargetUtilization: configField({
    env: 'KEELSON_SHED_TARGET_UTILIZATION',
    schema: z.coerce.number().gt(0).max(1),
    default: 0.8,
    doc: 'Event-loop utilisation the load shedder holds by refusing the least important requests',
  }),
} as const;
