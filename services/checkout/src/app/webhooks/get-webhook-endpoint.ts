import { type RequestContext, tenantOf } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { WebhookEndpointState } from '../../domain/webhooks.ts';
import type { Page, PageRequest } from '../ports.ts';
import type { WebhookDeliveryState, WebhookRepository } from './ports.ts';

export function getWebhookEndpoint(deps: { webhooks: WebhookRepository }) {
  return async (ctx: RequestContext, id: string): Promise<WebhookEndpointState> => {
    // Another tenant's endpoint is indistinguishable from a missing one.
    const endpoint = await deps.webhooks.getEndpoint(ctx, tenantOf(ctx), id);
    return endpoint ?? fail('not_found', 'webhook_endpoint_not_found', `No such webhook endpoint: ${id}.`);
  };
}

export function listWebhookEndpoints(deps: { webhooks: WebhookRepository }) {
  return (ctx: RequestContext, page: PageRequest): Promise<Page<WebhookEndpointState>> =>
    deps.webhooks.listEndpoints(ctx, tenantOf(ctx), page);
}

export function listWebhookDeliveries(deps: { webhooks: WebhookRepository }) {
  return (ctx: RequestContext, endpointId: string, page: PageRequest): Promise<Page<WebhookDeliveryState>> =>
    deps.webhooks.listDeliveries(ctx, tenantOf(ctx), endpointId, page);
}
