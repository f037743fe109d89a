import { type RequestContext, tenantOf } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { WebhookRepository } from './ports.ts';

/** Deletes the endpoint; its pending deliveries go with it (nothing is sent to it any more). */
export function deleteWebhookEndpoint(deps: { webhooks: WebhookRepository }) {
  return async (ctx: RequestContext, id: string): Promise<void> => {
    if (!(await deps.webhooks.deleteEndpoint(ctx, tenantOf(ctx), id))) {
      fail('not_found', 'webhook_endpoint_not_found', `No such webhook endpoint: ${id}.`);
    }
  };
}
