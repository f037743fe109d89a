import { type RequestContext, tenantOf } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { WebhookEndpointState } from '../../domain/webhooks.ts';
import type { Clock } from '../ports.ts';
import type { WebhookRepository, WebhookSettings } from './ports.ts';
import { newWebhookSecret } from './webhook-secret.ts';

/**
 * A new signing secret, shown once. The one it replaces keeps signing (a second `v1=`) for
 * the configured overlap, so receivers can switch without missing a delivery. Rotating again within the
 * overlap drops the older previous secret at once: only one previous secret is kept.
 */
export function rotateWebhookSecret(deps: {
  webhooks: WebhookRepository;
  clock: Clock;
  webhookSettings: WebhookSettings;
}) {
  return async (ctx: RequestContext, id: string): Promise<{ endpoint: WebhookEndpointState; secret: string }> => {
    const secret = newWebhookSecret();
    const expiresAt = new Date(deps.clock.now().getTime() + deps.webhookSettings.secretOverlapMs);
    const endpoint = await deps.webhooks.rotateSecret(ctx, tenantOf(ctx), id, secret, expiresAt);
    if (endpoint === undefined) fail('not_found', 'webhook_endpoint_not_found', `No such webhook endpoint: ${id}.`);
    return { endpoint, secret };
  };
}
