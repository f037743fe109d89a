import type { Database } from '@keelson/kit/db';
import { createOutboxStore } from '@keelson/kit/outbox';
import type { OutboxAdmin } from '../../app/ports.ts';

/** The outbox operations of the admin CLI, through the kit's outbox store. */
export function createOutboxAdmin(db: Database): OutboxAdmin {
  const store = createOutboxStore(db);
  return { republish: (ctx, fromId, toId) => store.republish(ctx, fromId, toId) };
}
