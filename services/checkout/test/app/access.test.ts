import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { AppError } from '@keelson/kit/errors';
import { createIdGenerator, isIdOf } from '@keelson/kit/ids';
import { type Principal, requireScope } from '../../src/app/access/authenticate.ts';
import type { Scope } from '../../src/domain/access.ts';
import { anonymousContext, createTestApplication, fixedNow, newTenant } from './fakes.ts';

// A well-formed secret (43 base64url characters) that no key was issued with.
const strangerSecret = 'A'.repeat(43);

function secretOf(token: string): string {
  const secret = token.split('.')[1];
  assert.ok(secret !== undefined && secret.length === 43, `malformed token ${token}`);
  return secret;
}

describe('authenticate', () => {
  it('resolves a valid token to its tenant, key and scopes', async () => {
    const { app } = createTestApplication();
    const { tenantId } = await newTenant(app);
    const key = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read', 'write'] });

    const principal = await app.access.authenticate(anonymousContext(), key.token);

    assert.deepEqual(principal, { tenantId, keyId: key.id, scopes: ['read', 'write'], plan: undefined });
  });

  it('rejects missing, malformed, unknown, wrong-secret and revoked keys identically', async () => {
    const { app, callsTo } = createTestApplication();
    const { tenantId } = await newTenant(app);
    const key = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read'] });
    const revoked = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read'] });
    await app.access.revokeApiKey(anonymousContext(), { keyId: revoked.id });

    const attempts: ReadonlyArray<[string, string | undefined]> = [
      ['missing', undefined],
      ['empty', ''],
      ['malformed', 'not-a-token'],
      ['secret only', secretOf(key.token)],
      ['lower-case key id', `${key.id.toLowerCase()}.${secretOf(key.token)}`],
      ['truncated secret', key.token.slice(0, -1)],
      ['unknown key', `${createIdGenerator()('key')}.${secretOf(key.token)}`],
      ['wrong secret', `${key.id}.${strangerSecret}`],
      ["another key's secret", `${key.id}.${secretOf(revoked.token)}`],
      ['revoked', revoked.token],
    ];
    const messages = new Set<string>();
    for (const [what, token] of attempts) {
      await assert.rejects(
        app.access.authenticate(anonymousContext(), token),
        (error: unknown) => {
          assert.ok(error instanceof AppError, `not an AppError: ${String(error)}`);
          assert.deepEqual([error.kind, error.code], ['unauthenticated', 'invalid_api_key']);
          messages.add(error.message);
          return true;
        },
        what,
      );
    }
    assert.equal(messages.size, 1, `messages differ: ${[...messages].join(' | ')}`);
    // Only the four well-formed tokens reached storage; the rest were refused on sight.
    assert.equal(callsTo('access').filter((call) => call.method === 'findKey').length, 4);
  });
});

describe('requireScope', () => {
  const principal = (scopes: readonly Scope[]): Principal => ({
    tenantId: 'ten_A',
    keyId: 'key_A',
    scopes,
    plan: undefined,
  });

  it('passes with the scope itself, or with admin', () => {
    assert.doesNotThrow(() => requireScope(principal(['read']), 'read'));
    assert.doesNotThrow(() => requireScope(principal(['read', 'write']), 'write'));
    for (const scope of ['read', 'write', 'admin'] as const)
      assert.doesNotThrow(() => requireScope(principal(['admin']), scope));
  });

  it('rejects a missing scope as forbidden insufficient_scope', () => {
    assert.throws(() => requireScope(principal(['read']), 'write'), {
      name: 'AppError',
      kind: 'forbidden',
      code: 'insufficient_scope',
    });
    assert.throws(() => requireScope(principal(['read', 'write']), 'admin'), {
      kind: 'forbidden',
      code: 'insufficient_scope',
    });
    assert.throws(() => requireScope(principal([]), 'read'), { kind: 'forbidden', code: 'insufficient_scope' });
  });
});

describe('createApiKey', () => {
  it('returns the token once and stores only the hash of its secret', async () => {
    const { app, store, callsTo } = createTestApplication();
    const { tenantId } = await newTenant(app);

    const key = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['write', 'read', 'write'] });

    const { token, ...shown } = key;
    assert.ok(isIdOf('key', key.id), key.id);
    assert.deepEqual(shown, { id: key.id, tenantId, scopes: ['write', 'read'], plan: undefined, createdAt: fixedNow });
    const secret = secretOf(token);
    assert.equal(token, `${key.id}.${secret}`);
    assert.deepEqual(store.keys.get(key.id), {
      id: key.id,
      tenantId,
      secretHash: createHash('sha256').update(secret).digest('hex'),
      scopes: ['write', 'read'],
      plan: undefined,
      createdAt: fixedNow,
      revokedAt: undefined,
    });
    // Nothing the storage port was ever handed, nor anything it holds, contains the secret.
    assert.equal(JSON.stringify(callsTo('access')).includes(secret), false);
    assert.equal(JSON.stringify([...store.keys.values()]).includes(secret), false);
    assert.equal((await app.access.authenticate(anonymousContext(), token)).keyId, key.id);
  });

  it('rejects an unknown tenant as tenant_not_found and stores nothing', async () => {
    const { app, store } = createTestApplication();

    await assert.rejects(
      app.access.createApiKey(anonymousContext(), { tenantId: 'ten_01JAAAAAAAAAAAAAAAAAAAAAAA', scopes: ['read'] }),
      {
        name: 'AppError',
        kind: 'not_found',
        code: 'tenant_not_found',
      },
    );
    assert.equal(store.keys.size, 0);
  });

  it('gives the key a configured plan, which authentication then reports; the default plan is stored as none', async () => {
    const { app } = createTestApplication({ ratePlans: ['gold'] });
    const { tenantId } = await newTenant(app);
    const gold = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read'], plan: 'gold' });
    assert.equal(gold.plan, 'gold');
    assert.equal((await app.access.authenticate(anonymousContext(), gold.token)).plan, 'gold');
    const plain = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read'], plan: 'default' });
    assert.equal(plain.plan, undefined);
  });

  it('rejects a plan that is not configured as unknown_plan, naming the known ones, and stores nothing', async () => {
    const { app, store } = createTestApplication({ ratePlans: ['gold'] });
    const { tenantId } = await newTenant(app);

    await assert.rejects(
      app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read'], plan: 'platinum' }),
      {
        kind: 'invalid',
        code: 'unknown_plan',
        message: "No such rate-limit plan: 'platinum'. Known plans: default, gold (KEELSON_RATE_LIMIT_PLANS).",
      },
    );
    assert.equal(store.keys.size, 0);
  });

  it('rejects an empty scope list as invalid_request and stores nothing', async () => {
    const { app, store } = createTestApplication();
    const { tenantId } = await newTenant(app);

    await assert.rejects(app.access.createApiKey(anonymousContext(), { tenantId, scopes: [] }), {
      kind: 'invalid',
      code: 'invalid_request',
    });
    assert.equal(store.keys.size, 0);
  });
});

describe('revokeApiKey', () => {
  it('marks the key revoked at the clock time, after which it no longer authenticates', async () => {
    const { app } = createTestApplication();
    const { tenantId } = await newTenant(app);
    const key = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read'] });

    assert.deepEqual(await app.access.revokeApiKey(anonymousContext(), { keyId: key.id }), {
      id: key.id,
      tenantId,
      revokedAt: fixedNow,
    });
    await assert.rejects(app.access.authenticate(anonymousContext(), key.token), { code: 'invalid_api_key' });
  });

  it('rejects an unknown key as api_key_not_found', async () => {
    const { app } = createTestApplication();

    await assert.rejects(app.access.revokeApiKey(anonymousContext(), { keyId: 'key_01JAAAAAAAAAAAAAAAAAAAAAAA' }), {
      name: 'AppError',
      kind: 'not_found',
      code: 'api_key_not_found',
    });
  });
});

describe('createTenant', () => {
  it('trims the name and rejects an empty one', async () => {
    const { app, store } = createTestApplication();

    const tenant = await app.access.createTenant(anonymousContext(), { name: '  Acme  ' });
    assert.ok(isIdOf('ten', tenant.id), tenant.id);
    assert.deepEqual(tenant, { id: tenant.id, name: 'Acme', createdAt: fixedNow });
    await assert.rejects(app.access.createTenant(anonymousContext(), { name: '   ' }), {
      kind: 'invalid',
      code: 'invalid_request',
    });
    assert.equal(store.tenants.size, 1);
  });

  it('counts code points and refuses control characters and bidi overrides, storing nothing', async () => {
    const { app, store } = createTestApplication();
    const emoji = '\u{1F600}';

    assert.equal((await app.access.createTenant(anonymousContext(), { name: emoji.repeat(200) })).name.length, 400);
    for (const name of [emoji.repeat(201), 'Acme\nCorp', 'Acme \u202Eproc', '\u200B\u200B']) {
      await assert.rejects(app.access.createTenant(anonymousContext(), { name }), {
        kind: 'invalid',
        code: 'invalid_request',
        message: /^Tenant name /,
      });
    }
    assert.equal(store.tenants.size, 1);
  });
});

describe('listTenants', () => {
  it('finds tenants by the name as typed, trimmed as createTenant trims it, duplicates included', async () => {
    const { app, callsTo } = createTestApplication();
    const first = await app.access.createTenant(anonymousContext(), { name: 'Acme' });
    const second = await app.access.createTenant(anonymousContext(), { name: ' Acme ' });
    await app.access.createTenant(anonymousContext(), { name: 'Acme Ltd' });

    const page = await app.access.listTenants(anonymousContext(), { limit: 10, name: '  Acme\u00A0' });

    assert.deepEqual(page, { items: [second, first], hasMore: false });
    assert.deepEqual(callsTo('access').at(-1)?.args, [{ limit: 10, name: 'Acme' }]);
  });

  it('refuses a limit outside 1–100 or a name no tenant could have as invalid_request, asking storage nothing', async () => {
    const { app, callsTo } = createTestApplication();

    for (const limit of [0, -1, 101, 1.5, Number.NaN]) {
      await assert.rejects(app.access.listTenants(anonymousContext(), { limit }), {
        kind: 'invalid',
        code: 'invalid_request',
        message: /^limit /,
      });
    }
    await assert.rejects(app.access.listTenants(anonymousContext(), { limit: 10, name: 'Acme\nCorp' }), {
      code: 'invalid_request',
      message: /^Tenant name /,
    });
    assert.deepEqual(callsTo('access'), []);
    assert.equal((await app.access.listTenants(anonymousContext(), { limit: 100 })).hasMore, false);
  });
});

describe('listApiKeys', () => {
  it('lists keys newest first with their revocation time, never a token, secret or hash', async () => {
    const { app } = createTestApplication();
    const { tenantId } = await newTenant(app);
    const older = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['read'] });
    const newer = await app.access.createApiKey(anonymousContext(), { tenantId, scopes: ['admin'] });
    await app.access.revokeApiKey(anonymousContext(), { keyId: older.id });

    const page = await app.access.listApiKeys(anonymousContext(), { limit: 10, tenantId });

    assert.deepEqual(page, {
      items: [
        { id: newer.id, tenantId, scopes: ['admin'], plan: undefined, createdAt: fixedNow, revokedAt: undefined },
        { id: older.id, tenantId, scopes: ['read'], plan: undefined, createdAt: fixedNow, revokedAt: fixedNow },
      ],
      hasMore: false,
    });
    const shown = JSON.stringify(page);
    for (const token of [older.token, newer.token]) assert.equal(shown.includes(secretOf(token)), false);
  });

  it('refuses a limit outside 1–100 as invalid_request, asking storage nothing', async () => {
    const { app, callsTo } = createTestApplication();

    for (const limit of [0, 101, 2.5]) {
      await assert.rejects(app.access.listApiKeys(anonymousContext(), { limit }), { code: 'invalid_request' });
    }
    assert.deepEqual(callsTo('access'), []);
  });
});
