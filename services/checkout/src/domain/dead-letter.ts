import { fail } from './errors.ts';

/** Where a dead letter came from: a job, a consumed event, a webhook delivery. */
export const deadLetterSources = ['job', 'event', 'webhook'] as const;
export type DeadLetterSource = (typeof deadLetterSources)[number];

export const deadLetterStatuses = ['dead', 'replayed', 'discarded'] as const;
export type DeadLetterStatus = (typeof deadLetterStatuses)[number];

/** Work that failed its last attempt, kept until an operator replays or discards it. */
export interface DeadLetterState {
  readonly id: string;
  /** Absent for system work that belongs to no tenant (a cron job). */
  readonly tenantId: string | undefined;
  readonly source: DeadLetterSource;
  /** The queue, consumer or webhook endpoint it failed in. */
  readonly name: string;
  /** The job, event or delivery id. */
  readonly messageKey: string;
  readonly payload: unknown;
  readonly attempts: number;
  readonly lastError: string;
  readonly createdAt: Date;
  readonly status: DeadLetterStatus;
  readonly resolvedAt: Date | undefined;
}

/**
 * An entry is resolved once: replayed (handed back to its source) or discarded. A second
 * resolution (a double replay) is refused, so a replay is applied once.
 */
export function resolveDeadLetter(
  letter: DeadLetterState,
  resolution: 'replayed' | 'discarded',
  at: Date,
): DeadLetterState {
  if (letter.status !== 'dead') {
    fail(
      'conflict',
      'dead_letter_resolved',
      `Dead letter ${letter.id} was already ${letter.status} at ${letter.resolvedAt?.toISOString() ?? 'an unknown time'}.`,
    );
  }
  return { ...letter, status: resolution, resolvedAt: at };
}
