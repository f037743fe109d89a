import type { RequestContext } from '@keelson/kit/context';
import type { DeadLetterState } from '../../domain/dead-letter.ts';
import { checkPageLimit } from '../page-limit.ts';
import type { DeadLetterListFilter, DeadLetterRepository, Page } from '../ports.ts';

/** `keelson dlq list`: every source's dead letters, newest first, optionally one source's. */
export function listDeadLetters(deps: { deadLetters: DeadLetterRepository }) {
  return async (ctx: RequestContext, filter: DeadLetterListFilter): Promise<Page<DeadLetterState>> => {
    checkPageLimit(filter.limit);
    return deps.deadLetters.list(ctx, filter);
  };
}
