import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  createIdempotency,
  createMemoryIdempotencyStore,
  createPgIdempotencyStore,
  type IdempotencyLease,
  type IdempotencyScope,
  type IdempotencyStore,
  idempotencyKeysTableSql,
  type LockRequest,
  type StoredResponse,
} from '../src/idempotency/index.ts';
import { testEngines } from './support/test-databases.ts';

// One contract, every backend: the in-memory store, PGlite, and real PostgreSQL when
// KEELSON_TEST_DATABASE_URL is set. Times are passed in, so expiry is exact and nothing sleeps.
// Each test works under its own tenant, so the tests share one database per backend.

interface Backend {
  readonly name: string;
  open(): Promise<{ store: IdempotencyStore; dispose(): Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'memory', open: async () => ({ store: createMemoryIdempotencyStore(), dispose: async () => {} }) },
  ...testEngines().map((engine) => ({
    name: engine.name,
    async open() {
      const { db, dispose } = await engine.create(idempotencyKeysTableSql);
      return { store: createPgIdempotencyStore(db), dispose };
    },
  })),
];

const t0 = Date.UTC(2030, 0, 1);
const second = 1_000;
const day = 86_400_000;
const deadline = () => Date.now() + 10_000;

function scopeOf(key = 'key-1'): IdempotencyScope {
  return { tenant: `ten_${randomBytes(6).toString('hex')}`, key };
}

/** A lock request at `now`: a 30 s lease, a day of retention. */
function lockAt(now: number, fingerprint = 'fp-a', extra: Partial<LockRequest> = {}): LockRequest {
  return {
    fingerprint,
    token: randomUUID(),
    now,
    lockedUntil: now + 30 * second,
    expiresAt: now + day,
    deadline: deadline(),
    ...extra,
  };
}

/** Every byte value and a sequence that is not UTF-8: the body must come back exactly. */
const awkwardBytes = new Uint8Array([...Array.from({ length: 256 }, (_, i) => i), 0xc3, 0x28, 0xff, 0xfe]);

const response: StoredResponse = {
  status: 201,
  headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/orders/ord_1' },
  body: awkwardBytes,
};

for (const backend of backends) {
  describe(`idempotency store contract: ${backend.name}`, () => {
    let store: IdempotencyStore;
    let dispose: () => Promise<void> = async () => {};
    before(async () => {
      ({ store, dispose } = await backend.open());
    });
    after(() => dispose());

    async function lock(scope: IdempotencyScope, request: LockRequest): Promise<IdempotencyLease> {
      const result = await store.tryLock(scope, request);
      assert.deepEqual(result.locked, true, 'expected the lock');
      return { ...scope, token: request.token };
    }

    it('locks a new key once: a fresh record with attempts 1 and the lease', async () => {
      const scope = scopeOf();
      const request = lockAt(t0);
      assert.deepEqual(await store.tryLock(scope, request), { locked: true, attempts: 1 });
      assert.deepEqual(await store.get(scope, { deadline: deadline() }), {
        fingerprint: 'fp-a',
        attempts: 1,
        lockedUntil: t0 + 30 * second,
        response: undefined,
        expiresAt: t0 + day,
      });
      assert.deepEqual(await store.get(scopeOf(), { deadline: deadline() }), undefined);
    });

    it('refuses a live lease to anyone, whatever the fingerprint, and changes nothing', async () => {
      const scope = scopeOf();
      await lock(scope, lockAt(t0));
      const before = await store.get(scope, { deadline: deadline() });
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + 29 * second)), { locked: false });
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + second, 'fp-b')), { locked: false });
      assert.deepEqual(await store.get(scope, { deadline: deadline() }), before);
    });

    it('completes with the lease holder only, once, storing the exact bytes and headers', async () => {
      const scope = scopeOf();
      const lease = await lock(scope, lockAt(t0));
      const later = { response, now: t0 + second, expiresAt: t0 + second + day, deadline: deadline() };
      assert.equal(await store.complete({ ...lease, token: randomUUID() }, later), false);
      assert.equal(await store.complete(lease, later), true);
      assert.equal(await store.complete(lease, { ...later, response: { ...response, status: 200 } }), false);
      const record = await store.get(scope, { deadline: deadline() });
      assert.equal(record?.lockedUntil, undefined);
      assert.equal(record?.expiresAt, t0 + second + day);
      assert.equal(record?.response?.status, 201);
      assert.deepEqual(record?.response?.headers, response.headers);
      assert.deepEqual(Buffer.from(record?.response?.body ?? []), Buffer.from(awkwardBytes));
      // Completed: no lease for anyone, not even after the old lease's end.
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + 40 * second)), { locked: false });
    });

    it('stores an empty body', async () => {
      const scope = scopeOf();
      const lease = await lock(scope, lockAt(t0));
      const empty = { status: 204, headers: {}, body: new Uint8Array() };
      assert.equal(
        await store.complete(lease, { response: empty, now: t0, expiresAt: t0 + day, deadline: deadline() }),
        true,
      );
      assert.equal((await store.get(scope, { deadline: deadline() }))?.response?.body.length, 0);
    });

    it('release keeps the fingerprint: the same request takes it again (attempts 2), another is refused', async () => {
      const scope = scopeOf();
      const lease = await lock(scope, lockAt(t0));
      await store.release({ ...lease, token: randomUUID() }, { forget: false, deadline: deadline() });
      assert.notEqual((await store.get(scope, { deadline: deadline() }))?.lockedUntil, undefined, 'stranger released');
      await store.release(lease, { forget: false, deadline: deadline() });
      assert.equal((await store.get(scope, { deadline: deadline() }))?.lockedUntil, undefined);
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + second, 'fp-b')), { locked: false });
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + second)), { locked: true, attempts: 2 });
    });

    it('release with forget deletes a first attempt, and only unlocks a later one', async () => {
      const scope = scopeOf();
      const first = await lock(scope, lockAt(t0));
      await store.release(first, { forget: true, deadline: deadline() });
      assert.equal(await store.get(scope, { deadline: deadline() }), undefined);

      const again = await lock(scope, lockAt(t0, 'fp-b'));
      await store.release(again, { forget: false, deadline: deadline() });
      const third = lockAt(t0 + second, 'fp-b');
      assert.deepEqual(await store.tryLock(scope, third), { locked: true, attempts: 2 });
      await store.release({ ...scope, token: third.token }, { forget: true, deadline: deadline() });
      const record = await store.get(scope, { deadline: deadline() });
      assert.equal(record?.attempts, 2, 'an earlier attempt executed: the record stays');
      assert.equal(record?.lockedUntil, undefined);
    });

    it('an expired lease is taken over by the same request; the old holder is fenced off', async () => {
      const scope = scopeOf();
      const old = await lock(scope, lockAt(t0));
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + 30 * second, 'fp-b')), { locked: false });
      const takeover = lockAt(t0 + 30 * second);
      assert.deepEqual(await store.tryLock(scope, takeover), { locked: true, attempts: 2 });
      const done = { response, now: t0 + 31 * second, expiresAt: t0 + day, deadline: deadline() };
      assert.equal(await store.complete(old, done), false);
      await store.release(old, { forget: true, deadline: deadline() });
      assert.equal((await store.get(scope, { deadline: deadline() }))?.lockedUntil, takeover.lockedUntil);
      assert.equal(await store.complete({ ...scope, token: takeover.token }, done), true);
    });

    it('a lease past its end but not taken over still completes', async () => {
      const scope = scopeOf();
      const lease = await lock(scope, lockAt(t0));
      const late = { response, now: t0 + 60 * second, expiresAt: t0 + day, deadline: deadline() };
      assert.equal(await store.complete(lease, late), true);
    });

    it('an expired record counts as absent: any request starts afresh with attempts 1', async () => {
      const scope = scopeOf();
      const lease = await lock(scope, lockAt(t0));
      await store.complete(lease, { response, now: t0, expiresAt: t0 + day, deadline: deadline() });
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + day - 1, 'fp-b')), { locked: false });
      assert.deepEqual(await store.tryLock(scope, lockAt(t0 + day, 'fp-b')), { locked: true, attempts: 1 });
      const record = await store.get(scope, { deadline: deadline() });
      assert.equal(record?.fingerprint, 'fp-b');
      assert.equal(record?.response, undefined);
    });

    it('keys are per tenant', async () => {
      const a = scopeOf('shared');
      const b = scopeOf('shared');
      await lock(a, lockAt(t0));
      assert.deepEqual(await store.tryLock(b, lockAt(t0, 'fp-b')), { locked: true, attempts: 1 });
    });

    it('purge deletes expired records no live lease holds, at most `limit` per call', async () => {
      const now = t0 + 10 * day;
      const expired = await Promise.all(
        ['e1', 'e2', 'e3'].map(async (key) => {
          const scope = scopeOf(key);
          const lease = await lock(scope, lockAt(t0));
          await store.complete(lease, { response, now: t0, expiresAt: t0 + day, deadline: deadline() });
          return scope;
        }),
      );
      const fresh = scopeOf('fresh');
      await lock(fresh, lockAt(now - second, 'fp-a', { lockedUntil: now - second + 1, expiresAt: now + day }));
      // A lease outliving its record's expiry (the core never writes one) still protects it.
      const leased = scopeOf('leased');
      await lock(leased, lockAt(t0, 'fp-a', { lockedUntil: now + second, expiresAt: t0 + day }));

      assert.equal(await store.purge({ now, limit: 2, deadline: deadline() }), 2);
      // Other tests' records may be purged too: count only ours.
      while ((await store.purge({ now, limit: 100, deadline: deadline() })) > 0);
      for (const scope of expired) assert.equal(await store.get(scope, { deadline: deadline() }), undefined);
      assert.notEqual(await store.get(fresh, { deadline: deadline() }), undefined);
      assert.notEqual(await store.get(leased, { deadline: deadline() }), undefined);
    });

    it('20 concurrent tryLock on a new key: exactly one wins', async () => {
      const scope = scopeOf();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.tryLock(scope, lockAt(t0))));
      assert.equal(results.filter((result) => result.locked).length, 1);
    });

    it('20 concurrent takeovers of an expired lease: exactly one wins, with attempts 2', async () => {
      const scope = scopeOf();
      await lock(scope, lockAt(t0));
      const at = t0 + 31 * second;
      const results = await Promise.all(Array.from({ length: 20 }, () => store.tryLock(scope, lockAt(at))));
      assert.deepEqual(
        results.filter((result) => result.locked),
        [{ locked: true, attempts: 2 }],
      );
    });

    it('through the core: 20 concurrent begin → one execute, 19 in_progress; then a takeover race → one winner', async () => {
      let now = t0;
      const idempotency = createIdempotency({ store, clock: () => now });
      const scope = scopeOf();
      const begin = () => idempotency.begin(scope, 'fp-a', { leaseMs: 30 * second });
      const first = await Promise.all(Array.from({ length: 20 }, begin));
      assert.equal(first.filter((d) => d.kind === 'execute').length, 1);
      assert.equal(first.filter((d) => d.kind === 'in_progress').length, 19);

      now = t0 + 30 * second; // the winner crashed: its lease ends
      const retries = await Promise.all(Array.from({ length: 20 }, begin));
      const winners = retries.filter((d) => d.kind === 'execute');
      assert.equal(winners.length, 1);
      assert.equal(winners[0]?.recovered, true);
      assert.equal(retries.filter((d) => d.kind === 'in_progress').length, 19);

      if (winners[0]?.kind !== 'execute') return assert.fail('no winner');
      assert.equal(await idempotency.complete(winners[0].lease, response), true);
      const replays = await Promise.all(Array.from({ length: 20 }, begin));
      for (const replay of replays) {
        assert.equal(replay.kind, 'replay');
        if (replay.kind === 'replay') assert.deepEqual(Buffer.from(replay.response.body), Buffer.from(awkwardBytes));
      }
    });
  });
}
