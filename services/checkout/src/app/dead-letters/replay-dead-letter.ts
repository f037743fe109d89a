import type { RequestContext } from '@keelson/kit/context';
import { type DeadLetterState, resolveDeadLetter } from '../../domain/dead-letter.ts';
import type { Clock, DeadLetterRepository } from '../ports.ts';

/**
 * `keelson dlq replay`: hands the entry back to its source (a job is enqueued again with fresh
 * attempts) in the transaction that marks it replayed. Applied once: a second replay is
 * `dead_letter_resolved`.
 */
export function replayDeadLetter(deps: { deadLetters: DeadLetterRepository; clock: Clock }) {
  return async (ctx: RequestContext, id: string): Promise<DeadLetterState> =>
    deps.deadLetters.resolve(ctx, id, (letter) => resolveDeadLetter(letter, 'replayed', deps.clock.now()));
}
