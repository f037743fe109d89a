import type { RequestContext } from '@keelson/kit/context';
import { type DeadLetterState, resolveDeadLetter } from '../../domain/dead-letter.ts';
import type { Clock, DeadLetterRepository } from '../ports.ts';

/** `keelson dlq discard`: the entry is kept, marked discarded, and can no longer be replayed. */
export function discardDeadLetter(deps: { deadLetters: DeadLetterRepository; clock: Clock }) {
  return async (ctx: RequestContext, id: string): Promise<DeadLetterState> =>
    deps.deadLetters.resolve(ctx, id, (letter) => resolveDeadLetter(letter, 'discarded', deps.clock.now()));
}
