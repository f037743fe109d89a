import { timingSafeEqual } from 'node:crypto';
import type { Broadcast } from '@keelson/kit/cache';
import { LRUCache } from 'lru-cache';
import { secretMatches } from '../../app/access/api-key-secret.ts';
import type { CachedKey, KeyCache } from '../../app/ports.ts';
import type { ApiKey } from '../../domain/access.ts';

/** Bounds of the verified-key cache, stated once (README "Caching and ETags"). */
export const keyCacheLimits = {
  maxEntries: 10_000,
  /** A known key is re-read this often at least: the backstop behind revocation broadcasts. */
  ttlMs: 30_000,
  /** An unknown key id is remembered this long (a flood of made-up ids stays off the database). */
  negativeTtlMs: 2_000,
} as const;

const topic = 'api-keys';

/**
 * The verified-key cache: an LRU of keys by id. The first request of a key checks the secret
 * against the stored SHA-256; the secret that matched is kept (as bytes) and later requests
 * compare against it with `timingSafeEqual`, skipping the hash. That keeps the plain secret of
 * recently used keys in memory, which every request already puts there (ADR 0013).
 * Revocations arrive through `broadcast` (Redis, or in-process); `lookup` misses while the
 * broadcast cannot hear, so a lost connection never lets a revoked key through.
 */
export function createApiKeyCache(
  broadcast: Broadcast,
  onProblem: (error: unknown) => void,
): KeyCache & { forget(keyIds: readonly string[]): void } {
  const entries = new LRUCache<string, CachedKey>({ max: keyCacheLimits.maxEntries, ttl: keyCacheLimits.ttlMs });
  // Moves on every revocation: a read begun before one is not remembered after it.
  let revocations = 0;
  const drop = (keyIds: readonly string[]) => {
    revocations += 1;
    for (const id of keyIds) entries.delete(id);
  };
  broadcast.subscribe((message) => {
    if (message.kind === 'flush') {
      revocations += 1;
      entries.clear();
    } else if (message.topic === topic) drop(message.keys);
  });

  const entryOf = (key: ApiKey | undefined): CachedKey => {
    let verified: Buffer | undefined;
    return {
      key,
      matches(secret) {
        if (key === undefined) return false;
        // parseToken admits only 43-character secrets, so both buffers have one length.
        const presented = Buffer.from(secret);
        if (verified !== undefined) return presented.length === verified.length && timingSafeEqual(presented, verified);
        if (!secretMatches(secret, key.secretHash)) return false;
        verified = presented;
        return true;
      },
    };
  };

  return {
    lookup(keyId) {
      const entry = broadcast.healthy() ? entries.get(keyId) : undefined;
      if (entry !== undefined) return { hit: true, entry };
      const seen = revocations;
      return {
        hit: false,
        remember(key) {
          const entry = entryOf(key);
          if (seen === revocations && broadcast.healthy()) {
            entries.set(keyId, entry, key === undefined ? { ttl: keyCacheLimits.negativeTtlMs } : {});
          }
          return entry;
        },
      };
    },
    async revoked(keyId, traceparent) {
      drop([keyId]);
      // The revocation is committed: a broadcast that fails leaves the other instances to
      // their reconnection flush or the TTL, and must not turn the answer into an error.
      await broadcast.publish({ kind: 'invalidate', topic, keys: [keyId] }, traceparent).catch(onProblem);
    },
    /** Revocations another instance committed (the database poller found them). */
    forget: drop,
  };
}
