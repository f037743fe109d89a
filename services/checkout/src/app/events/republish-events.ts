import type { RequestContext } from '@keelson/kit/context';
import { isIdOf } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import type { OutboxAdmin } from '../ports.ts';

export interface RepublishInput {
  /** First and last event id of the range, inclusive. */
  readonly fromId: string;
  readonly toId: string;
}

export interface RepublishReport {
  readonly fromId: string;
  readonly toId: string;
  /** Published events in the range, now waiting for the relay again. */
  readonly republished: number;
}

/**
 * `keelson outbox republish`: the range's published events become unpublished, so the relay
 * sends them again (a consumer that lost them, a broker that lost its stream). Duplicates are
 * absorbed by the broker's de-duplication window or by the consumers' inbox.
 */
export function republishEvents(deps: { outbox: OutboxAdmin }) {
  return async (ctx: RequestContext, input: RepublishInput): Promise<RepublishReport> => {
    for (const id of [input.fromId, input.toId]) {
      if (!isIdOf('evt', id)) fail('invalid', 'invalid_request', `${id} is not an event id (evt_…).`);
    }
    if (input.fromId > input.toId) fail('invalid', 'invalid_request', 'The range is empty: --from is after --to.');
    const republished = await deps.outbox.republish(ctx, input.fromId, input.toId);
    return { fromId: input.fromId, toId: input.toId, republished };
  };
}
