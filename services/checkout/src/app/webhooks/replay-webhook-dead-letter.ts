import type { RequestContext } from '@keelson/kit/context';
import type { Clock } from '../ports.ts';
import type { WebhookReplayOutcome, WebhookRepository } from './ports.ts';

/**
 * The replayer of dead letters whose source is `webhook`: the delivery they name becomes
 * pending again, due now, with a fresh retry horizon. Applies once: the dead letter is marked
 * replayed in the same transaction, and a second replay answers `already_resolved`.
 */
export function replayWebhookDeadLetter(deps: { webhooks: WebhookRepository; clock: Clock }) {
  return (ctx: RequestContext, deadLetter: { readonly id: string }): Promise<WebhookReplayOutcome> =>
    deps.webhooks.replayDeadLetter(ctx, deadLetter.id, deps.clock.now());
}
