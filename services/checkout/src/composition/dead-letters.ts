import { AppError } from '@keelson/kit/errors';
import type { IdGenerator } from '@keelson/kit/ids';
import { insertJob } from '@keelson/kit/jobs';
import type { EventDeadLetter } from '../adapters/events/event-replay.ts';
import type { DeadLetterReplayers } from '../adapters/postgres/dead-letter.pg-repository.ts';
import { reviveDeadDelivery } from '../adapters/postgres/webhook.pg-repository.ts';

/** The job queue that hands a replayed event back to its consumer (composition/jobs.ts runs it). */
export const eventReplayQueue = 'events.replay';

/**
 * How `keelson dlq replay` applies an entry, per source, inside the transaction that marks it
 * replayed. A source missing here answers `dead_letter_not_replayable`. Nothing here makes a
 * network call or opens a second transaction: an event's consumer runs later, as a job enqueued
 * in this same transaction, so marking and handing back commit together or not at all.
 */
export function deadLetterReplayers(newId: IdGenerator, clock: () => Date): DeadLetterReplayers {
  return {
    // The same queue and payload under a new job id, with the attempts it had: fresh attempts,
    // and a failure of the replay is a new dead letter beside the replayed one.
    job: async (tx, letter, traceparent) => {
      const job = { queue: letter.name, payload: letter.payload, maxAttempts: letter.attempts, traceparent };
      await insertJob(
        tx,
        letter.tenantId === undefined ? job : { ...job, tenantId: letter.tenantId },
        newId('job'),
        clock(),
      );
    },
    // The consumer applies it once through its inbox; if it fails again, the job dead-letters.
    event: async (tx, letter, traceparent) => {
      const payload: EventDeadLetter = { name: letter.name, message_key: letter.messageKey, payload: letter.payload };
      const job = { queue: eventReplayQueue, payload, maxAttempts: 3, traceparent };
      await insertJob(
        tx,
        letter.tenantId === undefined ? job : { ...job, tenantId: letter.tenantId },
        newId('job'),
        clock(),
      );
    },
    // The delivery becomes pending again; the delivery worker posts it.
    webhook: async (tx, letter, traceparent) => {
      if (!(await reviveDeadDelivery(tx, letter.messageKey, clock(), traceparent))) {
        throw new AppError(
          'conflict',
          'dead_letter_not_replayable',
          `Delivery ${letter.messageKey} is gone or no longer dead.`,
        );
      }
    },
  };
}
