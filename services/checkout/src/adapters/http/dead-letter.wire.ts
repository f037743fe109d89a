import type { Page } from '../../app/ports.ts';
import type { DeadLetterSource, DeadLetterState, DeadLetterStatus } from '../../domain/dead-letter.ts';
import type { ListWire } from './admin.wire.ts';
import { listToWire } from './wire.ts';

/** A dead letter as the admin API and `keelson dlq … --json` show it. */
export interface DeadLetterWire {
  readonly object: 'dead_letter';
  readonly id: string;
  readonly tenant_id: string | null;
  readonly source: DeadLetterSource;
  /** The queue, consumer or webhook endpoint it failed in. */
  readonly name: string;
  /** The job, event or delivery id. */
  readonly message_key: string;
  readonly payload: unknown;
  readonly attempts: number;
  readonly last_error: string;
  readonly created_at: string;
  readonly status: DeadLetterStatus;
  readonly resolved_at: string | null;
}

export type DeadLetterListWire = ListWire<DeadLetterWire>;

export function deadLetterToWire(d: DeadLetterState): DeadLetterWire {
  return {
    object: 'dead_letter',
    id: d.id,
    tenant_id: d.tenantId ?? null,
    source: d.source,
    name: d.name,
    message_key: d.messageKey,
    payload: d.payload,
    attempts: d.attempts,
    last_error: d.lastError,
    created_at: d.createdAt.toISOString(),
    status: d.status,
    resolved_at: d.resolvedAt?.toISOString() ?? null,
  };
}

export function deadLetterListToWire(page: Page<DeadLetterState>): DeadLetterListWire {
  return listToWire(page, deadLetterToWire);
}
