import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultScopes,
  isActive,
  isScope,
  newApiKey,
  newTenant,
  scopes,
  scopesAllow,
  tenantNameText,
} from '../../src/domain/access.ts';

const now = new Date('2030-01-01T00:00:00.000Z');

describe('scopes', () => {
  it('are read, write and admin; a new key gets read and write unless told otherwise', () => {
    assert.deepEqual(scopes, ['read', 'write', 'admin']);
    assert.deepEqual(defaultScopes, ['read', 'write']);
  });

  it('isScope accepts exactly the listed scopes', () => {
    for (const scope of scopes) assert.equal(isScope(scope), true);
    for (const other of ['', 'Read', 'ADMIN', ' read', 'write ', 'delete', 'read,write']) {
      assert.equal(isScope(other), false, JSON.stringify(other));
    }
  });

  it('admin allows everything; read and write allow only themselves', () => {
    for (const required of scopes) assert.equal(scopesAllow(['admin'], required), true);
    assert.equal(scopesAllow(['read'], 'read'), true);
    assert.equal(scopesAllow(['read'], 'write'), false);
    assert.equal(scopesAllow(['read', 'write'], 'admin'), false);
    assert.equal(scopesAllow([], 'read'), false);
  });
});

describe('newTenant', () => {
  it('trims the name and counts its length in code points', () => {
    assert.equal(newTenant({ id: 'ten_1', name: '  Acme  ', now }).name, 'Acme');
    const longest = '\u{1F600}'.repeat(tenantNameText.maxLength);
    assert.equal(newTenant({ id: 'ten_1', name: longest, now }).name, longest);
  });

  for (const name of ['', '   ', '\u{1F600}'.repeat(201), 'Acme\nCorp', 'Acme\u202Eproc', '\u200B']) {
    it(`refuses ${JSON.stringify(name).slice(0, 30)} as invalid_request`, () => {
      assert.throws(() => newTenant({ id: 'ten_1', name, now }), { kind: 'invalid', code: 'invalid_request' });
    });
  }
});

describe('newApiKey', () => {
  const input = { id: 'key_1', tenantId: 'ten_1', secretHash: 'h', now };

  it('keeps each scope once, starts active, and refuses an empty list', () => {
    const key = newApiKey({ ...input, scopes: ['read', 'write', 'read'] });
    assert.deepEqual(key, {
      id: 'key_1',
      tenantId: 'ten_1',
      secretHash: 'h',
      scopes: ['read', 'write'],
      plan: undefined,
      createdAt: now,
      revokedAt: undefined,
    });
    assert.equal(isActive(key), true);
    assert.equal(isActive({ ...key, revokedAt: now }), false);
    assert.throws(() => newApiKey({ ...input, scopes: [] }), { kind: 'invalid', code: 'invalid_request' });
  });
});
