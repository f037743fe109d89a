import type { RequestContext } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { newApiKey, type Scope } from '../../domain/access.ts';
import { fail } from '../../domain/errors.ts';
import type { AccessRepository, Clock } from '../ports.ts';
import { formatToken, hashSecret, newSecret } from './api-key-secret.ts';

export interface CreatedKey {
  readonly id: string;
  readonly tenantId: string;
  readonly scopes: readonly Scope[];
  readonly plan: string | undefined;
  /** The full bearer token. Shown once: only its hash is stored. */
  readonly token: string;
  readonly createdAt: Date;
}

/** The plan every key has unless created with another. */
export const defaultPlan = 'default';

export function createApiKey(deps: {
  access: AccessRepository;
  clock: Clock;
  newId: IdGenerator;
  /** Names of the configured rate-limit plans besides the default one. */
  ratePlans?: readonly string[] | undefined;
}) {
  const ratePlans = deps.ratePlans ?? [];
  return async (
    ctx: RequestContext,
    input: { tenantId: string; scopes: readonly Scope[]; plan?: string | undefined },
  ): Promise<CreatedKey> => {
    const plan = input.plan === defaultPlan ? undefined : input.plan;
    if (plan !== undefined && !ratePlans.includes(plan)) {
      const known = [defaultPlan, ...ratePlans].join(', ');
      fail(
        'invalid',
        'unknown_plan',
        `No such rate-limit plan: '${plan}'. Known plans: ${known} (KEELSON_RATE_LIMIT_PLANS).`,
      );
    }
    if (!(await deps.access.getTenant(ctx, input.tenantId))) {
      fail('not_found', 'tenant_not_found', `No such tenant: ${input.tenantId}.`);
    }
    const secret = newSecret();
    const key = newApiKey({
      id: deps.newId('key'),
      tenantId: input.tenantId,
      secretHash: hashSecret(secret),
      scopes: input.scopes,
      plan,
      now: deps.clock.now(),
    });
    await deps.access.insertKey(ctx, key);
    return {
      id: key.id,
      tenantId: key.tenantId,
      scopes: key.scopes,
      plan: key.plan,
      token: formatToken(key.id, secret),
      createdAt: key.createdAt,
    };
  };
}
