import type { RequestContext } from '@keelson/kit/context';
import type { Clock } from '../ports.ts';
import type { StoredEvent, WebhookRepository, WebhookSettings } from './ports.ts';

/**
 * The webhook consumer's effect: one delivery per subscribed endpoint of the event's tenant.
 * Idempotent per (endpoint, event), so a redelivered event enqueues nothing twice. Only
 * database work: the delivery worker makes the calls. Returns how many deliveries are new.
 */
export function enqueueWebhookDeliveries(deps: {
  webhooks: WebhookRepository;
  webhookSettings: WebhookSettings;
  clock: Clock;
}) {
  return (ctx: RequestContext, event: StoredEvent): Promise<number> =>
    deps.webhooks.enqueue(ctx, event, deps.webhookSettings.renderEvent(event), deps.clock.now());
}
