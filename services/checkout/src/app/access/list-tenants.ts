import type { RequestContext } from '@keelson/kit/context';
import { type Tenant, tenantNameText } from '../../domain/access.ts';
import { parseText } from '../../domain/text.ts';
import { checkPageLimit } from '../page-limit.ts';
import type { AccessRepository, Page, TenantListFilter } from '../ports.ts';

/**
 * Every tenant, newest first. Names are labels and may repeat, so `name` can match several:
 * it is trimmed as `createTenant` trims it, so the name an operator typed finds what was stored.
 */
export function listTenants(deps: { access: AccessRepository }) {
  return async (ctx: RequestContext, input: TenantListFilter): Promise<Page<Tenant>> => {
    checkPageLimit(input.limit);
    const filter =
      input.name === undefined ? input : { ...input, name: parseText(input.name, tenantNameText, 'Tenant name') };
    return deps.access.listTenants(ctx, filter);
  };
}
