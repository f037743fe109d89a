import { fail } from './errors.ts';
import { parseText, type TextRule } from './text.ts';

/**
 * What an API key may do (ARCHITECTURE.md §3). `admin` implies the other two. The wire schema,
 * the CLI and the routes' required scopes all use this list.
 */
export const scopes = ['read', 'write', 'admin'] as const;

export type Scope = (typeof scopes)[number];

/** What a key gets when its creator names no scopes. */
export const defaultScopes: readonly Scope[] = ['read', 'write'];

export function isScope(value: string): value is Scope {
  return (scopes as readonly string[]).includes(value);
}

/** Whether a key holding `held` may act where `required` is needed. */
export function scopesAllow(held: readonly Scope[], required: Scope): boolean {
  return held.includes(required) || held.includes('admin');
}

/** SQL repeats this limit as a CHECK (001.do.foundation.sql); a contract test keeps them equal. */
export const tenantNameText: TextRule = { kind: 'name', maxLength: 200 };

/** A customer of the service: every row of business data belongs to one. */
export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
}

/**
 * A tenant's credential. Only a hash of its secret is kept; the token is `<id>.<secret>`.
 * Revocation keeps the key (and its first revocation time) for the audit trail.
 */
export interface ApiKey {
  readonly id: string;
  readonly tenantId: string;
  readonly secretHash: string;
  readonly scopes: readonly Scope[];
  /** The rate-limit plan by name; `undefined` = the default plan. */
  readonly plan: string | undefined;
  readonly createdAt: Date;
  readonly revokedAt: Date | undefined;
}

/** What a list shows of a key: everything but the hash of its secret, which lists never read. */
export type ApiKeySummary = Omit<ApiKey, 'secretHash'>;

export function newTenant(input: { readonly id: string; readonly name: string; readonly now: Date }): Tenant {
  return { id: input.id, name: parseText(input.name, tenantNameText, 'Tenant name'), createdAt: input.now };
}

export function newApiKey(input: {
  readonly id: string;
  readonly tenantId: string;
  readonly secretHash: string;
  readonly scopes: readonly Scope[];
  readonly plan?: string | undefined;
  readonly now: Date;
}): ApiKey {
  const unique = [...new Set(input.scopes)];
  if (unique.length === 0) fail('invalid', 'invalid_request', 'A key needs at least one scope.');
  return {
    id: input.id,
    tenantId: input.tenantId,
    secretHash: input.secretHash,
    scopes: unique,
    plan: input.plan,
    createdAt: input.now,
    revokedAt: undefined,
  };
}

/** A key authenticates until it is revoked. */
export function isActive(key: ApiKey): boolean {
  return key.revokedAt === undefined;
}
