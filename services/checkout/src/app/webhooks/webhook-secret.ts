import { randomBytes } from 'node:crypto';

/** A signing secret: `whsec_` and 32 random bytes (256 bits), shown to the tenant once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
