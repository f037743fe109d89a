import type { RequestContext } from '@keelson/kit/context';
import type { ApiKeySummary } from '../../domain/access.ts';
import { checkPageLimit } from '../page-limit.ts';
import type { AccessRepository, ApiKeyListFilter, Page } from '../ports.ts';

/** Keys newest first, of every tenant or of one; revoked keys stay listed with their time. */
export function listApiKeys(deps: { access: AccessRepository }) {
  return async (ctx: RequestContext, input: ApiKeyListFilter): Promise<Page<ApiKeySummary>> => {
    checkPageLimit(input.limit);
    return deps.access.listKeys(ctx, input);
  };
}
