import type {
  IdempotencyLease,
  IdempotencyRecord,
  IdempotencyScope,
  IdempotencyStore,
  StoredResponse,
} from './idempotency-store.ts';

interface Entry {
  fingerprint: string;
  token: string;
  attempts: number;
  lockedUntil: number | undefined;
  response: StoredResponse | undefined;
  expiresAt: number;
}

/**
 * An {@link IdempotencyStore} in process memory, for tests and single-process services without a
 * database. Each operation runs synchronously between awaits, so each is atomic. Records live
 * until purged (start the core's purge timer) and are lost on restart.
 *
 * @example
 * ```ts
 * import { createIdempotency, createMemoryIdempotencyStore } from '@keelson/kit/idempotency';
 * const idempotency = createIdempotency({ store: createMemoryIdempotencyStore() });
 * await idempotency.begin({ tenant: 'ten_1', key: 'k-1' }, 'fingerprint', { leaseMs: 10_000 });
 * ```
 */
export function createMemoryIdempotencyStore(): IdempotencyStore {
  const tenants = new Map<string, Map<string, Entry>>();

  function entryOf(scope: IdempotencyScope): Entry | undefined {
    return tenants.get(scope.tenant)?.get(scope.key);
  }

  function held(lease: IdempotencyLease): Entry | undefined {
    const entry = entryOf(lease);
    return entry?.token === lease.token && entry.response === undefined ? entry : undefined;
  }

  return {
    async tryLock(scope, request) {
      const entry = entryOf(scope);
      const free = entry === undefined || entry.lockedUntil === undefined || entry.lockedUntil <= request.now;
      const expired = entry === undefined || (free && entry.expiresAt <= request.now);
      if (!expired && !(free && entry.response === undefined && entry.fingerprint === request.fingerprint)) {
        return { locked: false };
      }
      const attempts = expired ? 1 : entry.attempts + 1;
      let keys = tenants.get(scope.tenant);
      if (keys === undefined) {
        keys = new Map();
        tenants.set(scope.tenant, keys);
      }
      keys.set(scope.key, {
        fingerprint: request.fingerprint,
        token: request.token,
        attempts,
        lockedUntil: request.lockedUntil,
        response: undefined,
        expiresAt: request.expiresAt,
      });
      return { locked: true, attempts };
    },

    async get(scope): Promise<IdempotencyRecord | undefined> {
      const entry = entryOf(scope);
      if (entry === undefined) return undefined;
      const { fingerprint, attempts, lockedUntil, response, expiresAt } = entry;
      return { fingerprint, attempts, lockedUntil, response: response && copy(response), expiresAt };
    },

    async complete(lease, request) {
      const entry = held(lease);
      if (entry === undefined) return false;
      entry.response = copy(request.response);
      entry.lockedUntil = undefined;
      entry.expiresAt = request.expiresAt;
      return true;
    },

    async release(lease, request) {
      const entry = held(lease);
      if (entry === undefined) return;
      if (request.forget && entry.attempts === 1) tenants.get(lease.tenant)?.delete(lease.key);
      else entry.lockedUntil = undefined;
    },

    async purge(request) {
      let deleted = 0;
      for (const [tenant, keys] of tenants) {
        for (const [key, entry] of keys) {
          if (deleted >= request.limit) return deleted;
          const free = entry.lockedUntil === undefined || entry.lockedUntil <= request.now;
          if (free && entry.expiresAt <= request.now) {
            keys.delete(key);
            deleted += 1;
          }
        }
        if (keys.size === 0) tenants.delete(tenant);
      }
      return deleted;
    },
  };
}

/** Callers get their own bytes: mutating a replayed body must not change what is stored. */
function copy(response: StoredResponse): StoredResponse {
  return { status: response.status, headers: { ...response.headers }, body: new Uint8Array(response.body) };
}
