import { type RequestContext, tenantOf } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { Page } from '../ports.ts';
import type { EventListFilter, EventReader, StoredEvent } from './ports.ts';

export function getEvent(deps: { events: EventReader }) {
  return async (ctx: RequestContext, id: string): Promise<StoredEvent> => {
    const event = await deps.events.get(ctx, tenantOf(ctx), id);
    return event ?? fail('not_found', 'event_not_found', `No such event: ${id}.`);
  };
}

export function listEvents(deps: { events: EventReader }) {
  return (ctx: RequestContext, filter: EventListFilter): Promise<Page<StoredEvent>> =>
    deps.events.list(ctx, tenantOf(ctx), filter);
}
