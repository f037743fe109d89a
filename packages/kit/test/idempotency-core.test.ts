import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { isAppError } from '../src/errors/index.ts';
import {
  type BeginDecision,
  canonicalJson,
  createIdempotency,
  createMemoryIdempotencyStore,
  fingerprintOf,
  headerValues,
  type IdempotencyStore,
  isFinalStatus,
  isValidIdempotencyKey,
  parseIdempotencyKey,
  type StoredResponse,
} from '../src/idempotency/index.ts';
import { fc } from './support/properties.ts';

const second = 1_000;
const day = 86_400_000;
const t0 = Date.UTC(2030, 0, 1);

describe('Idempotency-Key validation', () => {
  it('accepts 1 to 255 printable ASCII characters, spaces inside included', () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
    fc.assert(
      fc.property(
        printable.filter((key) => key.length >= 1 && key.length <= 255),
        (key) => isValidIdempotencyKey(key),
      ),
    );
    assert.equal(isValidIdempotencyKey('x'.repeat(255)), true);
    assert.equal(isValidIdempotencyKey('a b'), true);
  });

  it('refuses empty, over-long, control and non-ASCII keys', () => {
    for (const key of ['', 'x'.repeat(256), 'a\tb', 'a\nb', 'caf\u00e9', '\u007f', 'emoji\u{1f600}']) {
      assert.equal(isValidIdempotencyKey(key), false, JSON.stringify(key));
    }
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300, unit: 'binary' }), (key) => {
        const expected = key.length <= 255 && [...key].every((c) => c >= ' ' && c <= '~');
        return isValidIdempotencyKey(key) === expected;
      }),
    );
  });

  it('reads the header: none is missing, one is valid or invalid, repeated is invalid even if each is fine', () => {
    assert.deepEqual(parseIdempotencyKey([]), { kind: 'missing' });
    assert.deepEqual(parseIdempotencyKey(['k-1']), { kind: 'valid', key: 'k-1' });
    assert.equal(parseIdempotencyKey(['']).kind, 'invalid');
    assert.equal(parseIdempotencyKey(['k-1', 'k-1']).kind, 'invalid');
    assert.deepEqual(headerValues(['Idempotency-Key', 'a', 'Host', 'h', 'IDEMPOTENCY-KEY', 'b'], 'idempotency-key'), [
      'a',
      'b',
    ]);
  });
});

describe('fingerprint', () => {
  it('canonical JSON sorts keys, drops whitespace, and follows JSON.stringify for values', () => {
    assert.equal(canonicalJson({ b: [1, { d: true, c: null }], a: 'x' }), '{"a":"x","b":[1,{"c":null,"d":true}]}');
    assert.equal(canonicalJson({ u: undefined, n: Number.NaN, d: new Date(0), l: [undefined] }), canonicalOf());
    assert.equal(canonicalJson(undefined), undefined);
    assert.equal(canonicalJson('é"\n'), JSON.stringify('é"\n'));
    assert.throws(() => canonicalJson({ n: 1n }), TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), TypeError);
    // The same object twice is not a cycle.
    const shared = { x: 1 };
    assert.equal(canonicalJson([shared, shared]), '[{"x":1},{"x":1}]');

    function canonicalOf(): string {
      return '{"d":"1970-01-01T00:00:00.000Z","l":[null],"n":null}';
    }
  });

  it('key order and whitespace never change it; any change of value does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 4 }), (value, indent) => {
        const reordered = JSON.parse(JSON.stringify(reverseKeys(value), null, indent));
        const route = '/v1/orders';
        assert.equal(
          fingerprintOf({ method: 'POST', route, body: value }),
          fingerprintOf({ method: 'post', route, body: reordered }),
        );
        assert.equal(canonicalJson(JSON.parse(canonicalJson(value) ?? 'null')), canonicalJson(value));
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        fc.pre(canonicalJson(a) !== canonicalJson(b));
        return (
          fingerprintOf({ method: 'POST', route: '/r', body: a }) !==
          fingerprintOf({ method: 'POST', route: '/r', body: b })
        );
      }),
    );
  });

  it('method, route pattern, path parameters and query each count', () => {
    const base = { method: 'POST', route: '/v1/orders/:id/cancel', params: { id: 'ord_a' }, query: {}, body: {} };
    const variants = [
      { ...base, method: 'PUT' },
      { ...base, route: '/v1/orders/:id/refund' },
      { ...base, params: { id: 'ord_b' } },
      { ...base, query: { expand: 'lines' } },
      { ...base, body: { reason: 'x' } },
      { ...base, body: undefined },
    ];
    const prints = new Set([base, ...variants].map(fingerprintOf));
    assert.equal(prints.size, variants.length + 1);
    assert.match(fingerprintOf(base), /^[0-9a-f]{64}$/);
  });

  it('a body nested 300 000 levels deep is fingerprinted without overflowing the stack', () => {
    const depth = 300_000;
    const body = JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    assert.match(fingerprintOf({ method: 'POST', route: '/r', body }), /^[0-9a-f]{64}$/);
  });
});

describe('finality', () => {
  it('2xx, 3xx and 4xx are final except 408 and 429; 5xx are not', () => {
    for (const status of [200, 201, 204, 303, 400, 402, 404, 409, 422])
      assert.equal(isFinalStatus(status), true, `${status}`);
    for (const status of [100, 408, 429, 500, 502, 503, 504, 599])
      assert.equal(isFinalStatus(status), false, `${status}`);
  });
});

function created(text = '{"id":"ord_1"}'): StoredResponse {
  return { status: 201, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(text) };
}

function setup(store: IdempotencyStore = createMemoryIdempotencyStore()) {
  const clock = { now: t0 };
  const idempotency = createIdempotency({ store, clock: () => clock.now });
  const scope = { tenant: 'ten_1', key: 'key-1' };
  const begin = (fingerprint = 'fp-a', leaseMs = 30 * second) => idempotency.begin(scope, fingerprint, { leaseMs });
  return { clock, idempotency, scope, store, begin };
}

function executed(decision: BeginDecision) {
  if (decision.kind !== 'execute') return assert.fail(`expected execute, got ${decision.kind}`);
  return decision;
}

describe('idempotency core (memory store)', () => {
  it('execute, then in_progress while leased, then replay of the stored outcome', async () => {
    const { clock, idempotency, begin } = setup();
    const first = executed(await begin());
    assert.equal(first.recovered, false);
    clock.now += 10 * second;
    assert.deepEqual(await begin(), { kind: 'in_progress', retryAfterMs: 1_000 });
    clock.now += 19_500;
    assert.deepEqual(await begin(), { kind: 'in_progress', retryAfterMs: 500 }, 'never past the lease');
    assert.equal(await idempotency.complete(first.lease, created()), true);
    const replay = await begin();
    assert.equal(replay.kind, 'replay');
    if (replay.kind === 'replay') {
      assert.equal(replay.response.status, 201);
      assert.equal(new TextDecoder().decode(replay.response.body), '{"id":"ord_1"}');
      replay.response.body.fill(0); // the caller's copy
    }
    const again = await begin();
    assert.equal(again.kind === 'replay' && new TextDecoder().decode(again.response.body), '{"id":"ord_1"}');
  });

  it('another fingerprint under the key is a mismatch, in flight or completed', async () => {
    const { idempotency, begin } = setup();
    const first = executed(await begin());
    assert.deepEqual(await begin('fp-b'), { kind: 'mismatch' });
    await idempotency.complete(first.lease, created());
    assert.deepEqual(await begin('fp-b'), { kind: 'mismatch' });
  });

  it('release after a transient failure: the next attempt executes with recovered, another body is refused', async () => {
    const { idempotency, begin } = setup();
    await idempotency.release(executed(await begin()).lease);
    assert.deepEqual(await begin('fp-b'), { kind: 'mismatch' });
    const retry = executed(await begin());
    assert.equal(retry.recovered, true);
  });

  it('complete and release run under the caller deadline, never under less than storeTimeoutMs', async () => {
    // Wall-clock budgets (the store's deadline), not the lease clock: a recording store around the memory one.
    const inner = createMemoryIdempotencyStore();
    const seen: { call: string; budgetMs: number }[] = [];
    const note = (call: string, deadline: number) => seen.push({ call, budgetMs: deadline - Date.now() });
    const store: IdempotencyStore = {
      ...inner,
      complete(lease, request) {
        note('complete', request.deadline);
        return inner.complete(lease, request);
      },
      release(lease, request) {
        note('release', request.deadline);
        return inner.release(lease, request);
      },
    };
    const idempotency = createIdempotency({ store, storeTimeoutMs: 2 * second });
    const begin = async (key: string) =>
      executed(await idempotency.begin({ tenant: 'ten_1', key }, 'fp', { leaseMs: 30 * second }));
    await idempotency.complete((await begin('a')).lease, created(), { deadline: Date.now() + 4_900 });
    await idempotency.complete((await begin('b')).lease, created(), { deadline: Date.now() + 100 });
    await idempotency.complete((await begin('c')).lease, created());
    await idempotency.release((await begin('d')).lease, { deadline: Date.now() + 4_900 });
    await idempotency.release((await begin('e')).lease, { deadline: Date.now() - 1_000 });
    const budgets = seen.map(({ call, budgetMs }) => `${call} ${Math.round(budgetMs / 100) * 100}`);
    assert.deepEqual(budgets, ['complete 4900', 'complete 2000', 'complete 2000', 'release 4900', 'release 2000']);
  });

  it('release of a request that executed nothing forgets the key entirely', async () => {
    const { idempotency, begin, store, scope } = setup();
    await idempotency.release(executed(await begin()).lease, { executed: false });
    assert.equal(await store.get(scope, { deadline: Date.now() + 1_000 }), undefined);
    assert.equal(executed(await begin('fp-b')).recovered, false);
  });

  it('an expired lease is taken over (recovered); the late first attempt cannot overwrite the outcome', async () => {
    const { clock, idempotency, begin } = setup();
    const crashed = executed(await begin());
    clock.now += 30 * second;
    const takeover = executed(await begin());
    assert.equal(takeover.recovered, true);
    assert.equal(await idempotency.complete(crashed.lease, created('{"late":true}')), false);
    await idempotency.release(crashed.lease);
    assert.equal((await begin()).kind, 'in_progress', 'the late release must not unlock the new holder');
    assert.equal(await idempotency.complete(takeover.lease, created()), true);
    const replay = await begin();
    assert.equal(replay.kind === 'replay' && new TextDecoder().decode(replay.response.body), '{"id":"ord_1"}');
  });

  it('retention: replayed for 24 h after completion, then the key is new; purge removes it', async () => {
    const { clock, idempotency, begin, store, scope } = setup();
    clock.now += 5 * second;
    await idempotency.complete(executed(await begin()).lease, created());
    clock.now += day - 1;
    assert.equal((await begin('fp-b')).kind, 'mismatch');
    assert.equal(await idempotency.purgeExpired(), 0);
    clock.now += 1;
    assert.equal(await idempotency.purgeExpired(), 1);
    assert.equal(await store.get(scope, { deadline: Date.now() + 1_000 }), undefined);
    assert.equal(executed(await begin('fp-b')).recovered, false);
  });

  it('purge never removes a record whose lease is live', async () => {
    const { idempotency, begin } = setup();
    executed(await begin('fp-a', 2 * day));
    assert.equal(await idempotency.purgeExpired(t0 + day + second), 0);
    assert.equal((await begin()).kind, 'in_progress');
  });

  it('the purge timer purges on its interval, one run at a time, and stops', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const purge = mock.fn(async () => 0);
    const store: IdempotencyStore = { ...createMemoryIdempotencyStore(), purge };
    const errors: unknown[] = [];
    const { idempotency } = setup(store);
    const stop = idempotency.startPurgeTimer(60_000, (error) => errors.push(error));
    t.mock.timers.tick(59_999);
    assert.equal(purge.mock.callCount(), 0);
    t.mock.timers.tick(1);
    assert.equal(purge.mock.callCount(), 1);
    await settle();
    t.mock.timers.tick(60_000);
    assert.equal(purge.mock.callCount(), 2);
    purge.mock.mockImplementation(async () => {
      throw new Error('database down');
    });
    await settle();
    t.mock.timers.tick(60_000);
    await settle();
    assert.equal(errors.length, 1);

    // A slow purge: no second one starts while it runs, and stop waits for it.
    let finish = (): void => {};
    purge.mock.mockImplementation(() => new Promise<number>((resolve) => (finish = () => resolve(0))));
    t.mock.timers.tick(60_000);
    t.mock.timers.tick(600_000);
    assert.equal(purge.mock.callCount(), 4);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await settle();
    assert.equal(stopped, false);
    finish();
    await stopping;
    t.mock.timers.tick(600_000);
    assert.equal(purge.mock.callCount(), 4);
  });

  it('refuses bad settings and misuse', async () => {
    const store = createMemoryIdempotencyStore();
    assert.throws(() => createIdempotency({ store, retentionMs: day - 1 }), RangeError);
    assert.throws(() => createIdempotency({ store, maxRetryAfterMs: 0 }), RangeError);
    const { idempotency, begin } = setup();
    await assert.rejects(begin('fp', 0), RangeError);
    await assert.rejects(begin('fp', Number.NaN), RangeError);
    await assert.rejects(
      idempotency.begin({ tenant: 'ten_1', key: 'caf\u00e9' }, 'fp', { leaseMs: 1 }),
      (error) => isAppError(error) && error.code === 'idempotency_key_invalid',
    );
    await assert.rejects(idempotency.begin({ tenant: '', key: 'k' }, 'fp', { leaseMs: 1 }), TypeError);
    const lease = executed(await begin()).lease;
    await assert.rejects(idempotency.complete(lease, { ...created(), status: 503 }), RangeError);
    assert.throws(() => idempotency.startPurgeTimer(0, () => {}), RangeError);
  });
});

/** Lets the purge a mocked timer started run to its end (setImmediate is not mocked here). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([key, item]) => [key, reverseKeys(item)]));
}
