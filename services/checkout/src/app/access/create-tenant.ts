import type { RequestContext } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { newTenant, type Tenant } from '../../domain/access.ts';
import type { AccessRepository, Clock } from '../ports.ts';

export function createTenant(deps: { access: AccessRepository; clock: Clock; newId: IdGenerator }) {
  return async (ctx: RequestContext, input: { name: string }): Promise<Tenant> => {
    const tenant = newTenant({ id: deps.newId('ten'), name: input.name, now: deps.clock.now() });
    await deps.access.insertTenant(ctx, tenant);
    return tenant;
  };
}
