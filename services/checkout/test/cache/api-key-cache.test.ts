import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Broadcast, type BroadcastMessage, createLocalBroadcast } from '@keelson/kit/cache';
import { createApiKeyCache } from '../../src/adapters/cache/api-key.lru-cache.ts';
import { hashSecret, newSecret } from '../../src/app/access/api-key-secret.ts';
import type { CachedKeyLookup } from '../../src/app/ports.ts';
import type { ApiKey } from '../../src/domain/access.ts';

function key(secret: string): ApiKey {
  return {
    id: 'key_01J00000000000000000000000',
    tenantId: 'ten_01J00000000000000000000000',
    secretHash: hashSecret(secret),
    scopes: ['read'],
    createdAt: new Date(),
    revokedAt: undefined,
    plan: undefined,
  };
}

function missed(lookup: CachedKeyLookup) {
  assert.equal(lookup.hit, false);
  return lookup;
}

/** A broadcast whose health the test sets (a Redis connection that dropped). */
function switchable(): Broadcast & { set(healthy: boolean): void } {
  const inner = createLocalBroadcast();
  let healthy = true;
  return {
    ...inner,
    healthy: () => healthy,
    set(value) {
      healthy = value;
    },
  };
}

const fail = (error: unknown) => assert.fail(String(error));

describe('the verified-key cache', () => {
  it('a remembered key is a hit; only its own secret matches, before and after the first match', () => {
    const secret = newSecret();
    const cache = createApiKeyCache(createLocalBroadcast(), fail);
    const stored = key(secret);
    const entry = missed(cache.lookup(stored.id)).remember(stored);
    assert.equal(entry.matches(newSecret()), false);
    assert.equal(entry.matches(secret), true);
    const hit = cache.lookup(stored.id);
    assert.ok(hit.hit);
    assert.equal(hit.entry.matches(secret), true, 'the kept secret matches without a hash');
    assert.equal(hit.entry.matches(newSecret()), false);
    assert.equal(hit.entry.matches(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`), false);
  });

  it('an unknown id is remembered as unknown', () => {
    const cache = createApiKeyCache(createLocalBroadcast(), fail);
    missed(cache.lookup('key_01J00000000000000000000001')).remember(undefined);
    const hit = cache.lookup('key_01J00000000000000000000001');
    assert.ok(hit.hit);
    assert.equal(hit.entry.key, undefined);
    assert.equal(hit.entry.matches(newSecret()), false);
  });

  it('a revocation drops the key, and a read begun before it is not remembered after it', async () => {
    const secret = newSecret();
    const stored = key(secret);
    const cache = createApiKeyCache(createLocalBroadcast(), fail);
    missed(cache.lookup(stored.id)).remember(stored);
    await cache.revoked(stored.id);
    const racing = missed(cache.lookup(stored.id));
    // The read above saw the key active; a revocation commits before it is remembered.
    await cache.revoked(stored.id);
    racing.remember(stored);
    missed(cache.lookup(stored.id));
  });

  it('revocations found by the database poll drop the key too', () => {
    const stored = key(newSecret());
    const cache = createApiKeyCache(createLocalBroadcast(), fail);
    missed(cache.lookup(stored.id)).remember(stored);
    cache.forget([stored.id]);
    missed(cache.lookup(stored.id));
  });

  it('while the broadcast cannot hear, nothing is served from memory; a flush on its return empties it', async () => {
    const broadcast = switchable();
    const messages: BroadcastMessage[] = [];
    broadcast.subscribe((message) => messages.push(message));
    const stored = key(newSecret());
    const cache = createApiKeyCache(broadcast, fail);
    missed(cache.lookup(stored.id)).remember(stored);
    broadcast.set(false);
    missed(cache.lookup(stored.id)).remember(stored);
    broadcast.set(true);
    assert.ok(cache.lookup(stored.id).hit);
    await broadcast.publish({ kind: 'flush' });
    missed(cache.lookup(stored.id));
  });
});
