import type { RequestContext } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { fail } from '../../domain/errors.ts';
import type { AccessRepository, Clock, TenantRecord } from '../ports.ts';

export function createTenant(deps: { access: AccessRepository; clock: Clock; newId: IdGenerator }) {
  return async (ctx: RequestContext, input: { name: string }): Promise<TenantRecord> => {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 200)
      fail('invalid', 'invalid_request', 'Tenant name must be 1–200 characters.');
    const tenant = { id: deps.newId('ten'), name, createdAt: deps.clock.now() };
    await deps.access.insertTenant(ctx, tenant);
    return tenant;
  };
}
