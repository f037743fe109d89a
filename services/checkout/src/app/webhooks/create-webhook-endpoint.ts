import type { RequestContext } from '@keelson/kit/context';
import { tenantOf } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import { checkEnabledEvents, maxEndpointsPerTenant, type WebhookEndpointState } from '../../domain/webhooks.ts';
import type { Clock } from '../ports.ts';
import type { WebhookRepository, WebhookSettings } from './ports.ts';
import { newWebhookSecret } from './webhook-secret.ts';

export interface CreateWebhookEndpointInput {
  readonly url: string;
  readonly enabledEvents: readonly string[];
}

export function createWebhookEndpoint(deps: {
  webhooks: WebhookRepository;
  webhookSettings: WebhookSettings;
  clock: Clock;
  newId: IdGenerator;
}) {
  return async (
    ctx: RequestContext,
    input: CreateWebhookEndpointInput,
  ): Promise<{ endpoint: WebhookEndpointState; secret: string }> => {
    // Only what can be judged now: a name's addresses are checked at every delivery.
    const refusal = deps.webhookSettings.checkWebhookUrl(input.url);
    if (refusal !== undefined) fail('invalid', 'invalid_webhook_url', `url refused: ${refusal}.`);
    const endpoint: WebhookEndpointState = {
      id: deps.newId('we'),
      tenantId: tenantOf(ctx),
      url: input.url,
      enabledEvents: checkEnabledEvents(input.enabledEvents),
      createdAt: deps.clock.now(),
      previousSecretExpiresAt: null,
    };
    const secret = newWebhookSecret();
    if (!(await deps.webhooks.insertEndpoint(ctx, endpoint, secret, maxEndpointsPerTenant))) {
      fail('conflict', 'too_many_webhook_endpoints', `A tenant has at most ${maxEndpointsPerTenant} endpoints.`);
    }
    return { endpoint, secret };
  };
}
