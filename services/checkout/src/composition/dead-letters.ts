import type { IdGenerator } from '@keelson/kit/ids';
import { insertJob } from '@keelson/kit/jobs';
import type { DeadLetterReplayers } from '../adapters/postgres/dead-letter.pg-repository.ts';

/**
 * How `keelson dlq replay` applies an entry, per source, inside the transaction that marks it
 * replayed. A source missing here answers `dead_letter_not_replayable`. Consumed events and
 * webhook deliveries register theirs here, one line each.
 */
export function deadLetterReplayers(newId: IdGenerator, clock: () => Date): DeadLetterReplayers {
  return {
    // The same queue and payload under a new job id, with the attempts it had: fresh attempts,
    // and a failure of the replay is a new dead letter beside the replayed one.
    job: async (tx, letter) => {
      const job = { queue: letter.name, payload: letter.payload, maxAttempts: letter.attempts };
      await insertJob(
        tx,
        letter.tenantId === undefined ? job : { ...job, tenantId: letter.tenantId },
        newId('job'),
        clock(),
      );
    },
  };
}
