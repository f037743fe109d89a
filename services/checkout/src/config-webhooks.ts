import { configField } from '@keelson/kit/config';
import { parseAllowlist } from '@keelson/kit/webhooks';
import { z } from 'zod';

/** Webhook delivery, retries, the SSRF guard and secret storage. Part of `configSpec` (config.ts). */
export const webhookConfig = {
  // Webhooks (issue 8 §5): delivery, retries, the SSRF guard and secret storage.
  webhooksAllowHttp: configField({
    env: 'KEELSON_WEBHOOKS_ALLOW_HTTP',
    schema: z.stringbool(),
    default: false,
    doc: 'Deliver to plain http:// URLs too (development only); default https only',
  }),
  webhooksAllowlist: configField({
    env: 'KEELSON_WEBHOOKS_ALLOWLIST',
    schema: z
      .string()
      .transform((text) =>
        text
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      )
      .superRefine((entries, ctx) => {
        try {
          parseAllowlist(entries);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    default: [],
    doc: 'Non-public addresses or CIDRs webhooks may reach, comma-separated (e.g. 127.0.0.1); exactly what is listed',
  }),
  webhooksSecretKey: configField({
    env: 'KEELSON_WEBHOOKS_SECRET_KEY',
    schema: z.string().min(32),
    optional: true,
    secret: true,
    doc: 'Key that seals webhook signing secrets in the database; unset = generated into the data directory',
  }),
  webhooksRetryHorizonHours: configField({
    env: 'KEELSON_WEBHOOKS_RETRY_HORIZON_HOURS',
    schema: z.coerce
      .number()
      .gt(0)
      .max(30 * 24),
    default: 72,
    doc: 'How long a failing delivery is retried before it becomes a dead letter',
  }),
  webhooksSecretOverlapHours: configField({
    env: 'KEELSON_WEBHOOKS_SECRET_OVERLAP_HOURS',
    schema: z.coerce
      .number()
      .min(0)
      .max(30 * 24),
    default: 24,
    doc: 'How long a rotated-out signing secret keeps signing (a second v1= signature)',
  }),
  webhooksConcurrency: configField({
    env: 'KEELSON_WEBHOOKS_CONCURRENCY',
    schema: z.coerce.number().int().min(0).max(1_000),
    default: 16,
    doc: 'Webhook deliveries in flight per worker process (at most 4 to one endpoint); 0 = this process delivers none',
  }),
} as const;
