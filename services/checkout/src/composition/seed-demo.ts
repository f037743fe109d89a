import type { RequestContext } from '@keelson/kit/context';
import type { Application } from '../app/application.ts';
import type { AccessRepository } from '../app/ports.ts';

export interface DemoCredentials {
  readonly tenantId: string;
  readonly token: string;
}

/**
 * First start in embedded mode: an empty database gets a demo tenant and a read/write key so
 * the API can be tried at once. The token is returned to be printed once; only its hash is kept.
 */
export async function seedDemoTenant(
  ctx: RequestContext,
  app: Application,
  access: Pick<AccessRepository, 'countTenants'>,
): Promise<DemoCredentials | undefined> {
  if ((await access.countTenants(ctx)) > 0) return undefined;
  const tenant = await app.access.createTenant(ctx, { name: 'Demo' });
  const key = await app.access.createApiKey(ctx, { tenantId: tenant.id, scopes: ['read', 'write'] });
  return { tenantId: tenant.id, token: key.token };
}
