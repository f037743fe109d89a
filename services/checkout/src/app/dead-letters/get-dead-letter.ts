import type { RequestContext } from '@keelson/kit/context';
import type { DeadLetterState } from '../../domain/dead-letter.ts';
import { fail } from '../../domain/errors.ts';
import type { DeadLetterRepository } from '../ports.ts';

/** `keelson dlq show`: one entry with its payload and last error. */
export function getDeadLetter(deps: { deadLetters: DeadLetterRepository }) {
  return async (ctx: RequestContext, id: string): Promise<DeadLetterState> =>
    (await deps.deadLetters.get(ctx, id)) ?? fail('not_found', 'dead_letter_not_found', `No such dead letter: ${id}.`);
}
