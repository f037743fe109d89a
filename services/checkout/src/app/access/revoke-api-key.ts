import type { RequestContext } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { AccessRepository, Clock, KeyCache } from '../ports.ts';

export interface RevokedKey {
  readonly id: string;
  readonly tenantId: string;
  readonly revokedAt: Date;
}

export function revokeApiKey(deps: { access: AccessRepository; clock: Clock; keyCache?: KeyCache }) {
  return async (ctx: RequestContext, input: { keyId: string }): Promise<RevokedKey> => {
    const key = await deps.access.revokeKey(ctx, input.keyId, deps.clock.now());
    if (!key?.revokedAt) fail('not_found', 'api_key_not_found', `No such API key: ${input.keyId}.`);
    // After the commit, before the answer: once it answers, no instance accepts the key.
    await deps.keyCache?.revoked(key.id, ctx.traceparent);
    return { id: key.id, tenantId: key.tenantId, revokedAt: key.revokedAt };
  };
}
