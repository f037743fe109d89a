import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { remainingMs, tenantOf, withTenant } from '../src/context/index.ts';
import { AppError } from '../src/errors/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import {
  createMemoryIdempotencyStore,
  createPgIdempotencyStore,
  type IdempotencyStore,
  idempotencyKeysTableSql,
  installIdempotency,
} from '../src/idempotency/index.ts';
import { type CapturedLogs, captureLogs, type Deferred, deferred, listen, waitFor } from './http-test-support.ts';
import { testEngines } from './support/test-databases.ts';

// The adapter on a real chassis server over real sockets, on every store. Authentication is an
// onRequest hook (as in the service), the routes sit in a prefixed, authenticated scope, and time
// is the test's own clock, so a lease expires when the test says so.

const t0 = Date.UTC(2030, 0, 1);

type Behaviour = (request: FastifyRequest, reply: FastifyReply, n: number) => Promise<unknown>;

interface Harness {
  readonly base: string;
  readonly store: IdempotencyStore;
  readonly clock: { now: number };
  readonly logs: CapturedLogs;
  /** What the store holds for `key` under this harness' tenant. */
  record(key: string): ReturnType<IdempotencyStore['get']>;
  /** Executions of the handlers so far. */
  executions(): number;
  /** What the next executions do; the default answers 201 with a new order. */
  behave(behaviour: Behaviour): void;
  /** Authenticated JSON POST; `body` is sent as written when it is a string. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

const createdOrder: Behaviour = async (request, reply, n) =>
  reply
    .code(201)
    .header('location', `/v1/orders/ord_${n}`)
    .send({ id: `ord_${n}`, body: request.body, recovered: request.idempotency?.recovered ?? null });

const orderBody = {
  type: 'object',
  required: ['sku'],
  additionalProperties: false,
  properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
} as const;

const stores: { name: string; open(): Promise<{ store: IdempotencyStore; dispose(): Promise<void> }> }[] = [
  { name: 'memory', open: async () => ({ store: createMemoryIdempotencyStore(), dispose: async () => {} }) },
  ...testEngines().map((engine) => ({
    name: engine.name,
    async open() {
      const { db, dispose } = await engine.create(idempotencyKeysTableSql);
      return { store: createPgIdempotencyStore(db), dispose };
    },
  })),
];

for (const backend of stores) {
  describe(`Idempotency-Key over HTTP: ${backend.name} store`, () => {
    let shared: IdempotencyStore;
    let dispose: () => Promise<void> = async () => {};
    before(async () => {
      ({ store: shared, dispose } = await backend.open());
    });
    after(() => dispose());

    async function start(
      t: { after(fn: () => Promise<unknown>): void },
      wrap: (store: IdempotencyStore) => IdempotencyStore = (store) => store,
    ): Promise<Harness> {
      const logs = captureLogs();
      const app = createHttpServer({ logger: logs.logger });
      const store = wrap(shared);
      const clock = { now: t0 };
      let behaviour = createdOrder;
      let executions = 0;
      const handle = async (request: FastifyRequest, reply: FastifyReply) => {
        executions += 1;
        return behaviour(request, reply, executions);
      };
      await app.register(
        async (v1: FastifyInstance) => {
          v1.addHook('onRequest', async (request) => {
            const tenant = /^Bearer (ten_\w+)$/.exec(request.headers.authorization ?? '')?.[1];
            if (tenant === undefined) throw new AppError('unauthenticated', 'invalid_api_key', 'Unknown key.');
            request.ctx = withTenant(request.ctx, tenant);
          });
          installIdempotency(v1, {
            store,
            scopeOf: (request) => tenantOf(request.ctx),
            leaseMs: (request) => remainingMs(request.ctx) + 5_000,
            clock: () => clock.now,
          });
          v1.post('/orders', { schema: { body: orderBody }, config: { idempotency: 'required' } }, handle);
          v1.post('/orders/:id/cancel', { config: { idempotency: 'optional' } }, handle);
        },
        { prefix: '/v1' },
      );
      const base = await listen(app);
      t.after(() => app.close());
      const tenant = `ten_${randomBytes(6).toString('hex')}`;
      return {
        base,
        store,
        clock,
        logs,
        record: (k) => store.get({ tenant, key: k }, { deadline: Date.now() + 5_000 }),
        executions: () => executions,
        behave: (next) => {
          behaviour = next;
        },
        post: (path, body, headers = {}) =>
          fetch(`${base}${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tenant}`, 'content-type': 'application/json', ...headers },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }),
      };
    }

    const key = (value = `key-${randomBytes(4).toString('hex')}`) => ({ 'idempotency-key': value });

    async function problem(response: Response, status: number, code: string): Promise<void> {
      assert.equal(response.status, status);
      assert.equal(((await response.json()) as { code?: string }).code, code);
    }

    it('a completed request is replayed byte for byte, with its headers and Idempotent-Replayed: true', async (t) => {
      const h = await start(t);
      const k = key();
      const first = await h.post('/v1/orders', { sku: 'a', quantity: 2 }, k);
      assert.equal(first.status, 201);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const firstBytes = Buffer.from(await first.arrayBuffer());
      // The same request, its keys reordered and spaced out.
      const again = await h.post('/v1/orders', '{ "quantity" : 2,\n "sku": "a" }', k);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.headers.get('location'), first.headers.get('location'));
      assert.equal(again.headers.get('content-type'), first.headers.get('content-type'));
      assert.notEqual(again.headers.get('x-request-id'), first.headers.get('x-request-id'));
      assert.deepEqual(Buffer.from(await again.arrayBuffer()), firstBytes);
      assert.equal(h.executions(), 1);
    });

    it('the same key with another body or another path parameter is refused with 422', async (t) => {
      const h = await start(t);
      const k = key();
      assert.equal((await h.post('/v1/orders', { sku: 'a' }, k)).status, 201);
      await problem(await h.post('/v1/orders', { sku: 'b' }, k), 422, 'idempotency_key_reused');
      const c = key();
      assert.equal((await h.post('/v1/orders/ord_a/cancel', {}, c)).status, 201);
      await problem(await h.post('/v1/orders/ord_b/cancel', {}, c), 422, 'idempotency_key_reused');
      assert.equal(h.executions(), 2);
    });

    it('keys are per tenant: another tenant’s identical key is its own request', async (t) => {
      const a = await start(t);
      const b = await start(t);
      const k = key('same-key');
      assert.equal((await a.post('/v1/orders', { sku: 'a' }, k)).status, 201);
      const other = await b.post('/v1/orders', { sku: 'b' }, k);
      assert.equal(other.status, 201);
      assert.equal(other.headers.get('idempotent-replayed'), null);
    });

    it('a required key that is missing is 400 idempotency_key_required; an optional one just runs', async (t) => {
      const h = await start(t);
      await problem(await h.post('/v1/orders', { sku: 'a' }), 400, 'idempotency_key_required');
      assert.equal(h.executions(), 0);
      h.behave(async (request) => ({ idempotency: request.idempotency }));
      for (let i = 0; i < 2; i += 1) {
        const response = await h.post('/v1/orders/ord_a/cancel', {});
        assert.deepEqual(await response.json(), { idempotency: null });
      }
      assert.equal(h.executions(), 2);
    });

    it('a malformed or repeated key is 400 idempotency_key_invalid, and nothing runs', async (t) => {
      const h = await start(t);
      for (const bad of ['', 'x'.repeat(256), 'caf\u00e9']) {
        await problem(await h.post('/v1/orders', { sku: 'a' }, key(bad)), 400, 'idempotency_key_invalid');
      }
      const repeated = await rawPost(h.base, '/v1/orders', {
        authorization: `Bearer ten_repeat${randomBytes(3).toString('hex')}`,
        'content-type': 'application/json',
        'idempotency-key': ['k-1', 'k-2'],
      });
      assert.equal(repeated.status, 400);
      assert.equal(JSON.parse(repeated.body).code, 'idempotency_key_invalid');
      assert.equal(h.executions(), 0);
    });

    it('a duplicate in flight gets 409 with Retry-After, and the handler runs once', async (t) => {
      const h = await start(t);
      const gate = blockFirst(h);
      const k = key();
      const first = h.post('/v1/orders', { sku: 'a' }, k);
      await gate.entered.promise;
      const duplicate = await h.post('/v1/orders', { sku: 'a' }, k);
      assert.equal(duplicate.headers.get('retry-after'), '1');
      await problem(duplicate, 409, 'idempotency_request_in_progress');
      gate.open();
      assert.equal((await first).status, 201);
      const replay = await h.post('/v1/orders', { sku: 'a' }, k);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(h.executions(), 1);
    });

    it('requests rejected before execution store nothing: authentication 401, validation 400, bad JSON', async (t) => {
      const h = await start(t);
      const k = key();
      const unauthenticated = await fetch(`${h.base}/v1/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...k },
        body: JSON.stringify({ sku: 'a' }),
      });
      await problem(unauthenticated, 401, 'invalid_api_key');
      await problem(await h.post('/v1/orders', { sku: 'a', quantity: 'many' }, k), 400, 'invalid_request');
      await problem(await h.post('/v1/orders', '{"sku":', k), 400, 'invalid_json');
      assert.equal(h.executions(), 0);
      assert.equal(await h.record(k['idempotency-key']), undefined);
      // Had anything been stored, another body under the key would be 422 (or a replay).
      const valid = await h.post('/v1/orders', { sku: 'b' }, k);
      assert.equal(valid.status, 201);
      assert.equal(valid.headers.get('idempotent-replayed'), null);
      assert.equal(((await valid.json()) as { recovered: boolean }).recovered, false);
    });

    it('5xx, 408 and 429 release the key: the retry executes again, recovered, and another body is still refused', async (t) => {
      const h = await start(t);
      const failures: Behaviour[] = [
        async () => {
          throw new Error('bug');
        },
        async () => {
          throw new AppError('unavailable', 'database_unavailable', 'Down.');
        },
        async () => {
          throw new AppError('deadline_exceeded', 'deadline_exceeded', 'Late.');
        },
        async () => {
          throw new AppError('rate_limited', 'rate_limited', 'Slow down.');
        },
        async (_request, reply) => reply.code(408).send({ slow: true }),
      ];
      for (const failure of failures) {
        const k = key();
        h.behave(failure);
        const failed = await h.post('/v1/orders', { sku: 'a' }, k);
        assert.ok([500, 503, 504, 429, 408].includes(failed.status), `${failed.status}`);
        await failed.body?.cancel();
        await problem(await h.post('/v1/orders', { sku: 'other' }, k), 422, 'idempotency_key_reused');
        h.behave(createdOrder);
        const retried = await h.post('/v1/orders', { sku: 'a' }, k);
        assert.equal(retried.status, 201);
        assert.equal(((await retried.json()) as { recovered: boolean }).recovered, true);
      }
      assert.equal(h.executions(), failures.length * 2);
    });

    it('a 5xx is answered before its key is released; a retry meanwhile waits for the release, then runs once', async (t) => {
      const gate = deferred();
      const h = await start(t, (store) => ({
        ...store,
        release: async (lease, request) => {
          await gate.promise;
          return store.release(lease, request);
        },
      }));
      h.behave(async () => {
        throw new AppError('deadline_exceeded', 'deadline_exceeded', 'Late.');
      });
      const k = key();
      // Answered although the store has not released the key (it cannot until the gate opens).
      await problem(await h.post('/v1/orders', { sku: 'a' }, k), 504, 'deadline_exceeded');
      assert.ok((await h.record(k['idempotency-key']))?.lockedUntil !== undefined, 'still locked after the answer');
      h.behave(createdOrder);
      // In this process the retry waits for that release; had it met the lease it would be a 409.
      const retry = h.post('/v1/orders', { sku: 'a' }, k);
      gate.resolve();
      const retried = await retry;
      assert.equal(retried.status, 201);
      assert.equal(((await retried.json()) as { recovered: boolean }).recovered, true);
      assert.equal(h.executions(), 2);
    });

    it('final 4xx outcomes (402, 409 business conflicts) are stored and replayed', async (t) => {
      const h = await start(t);
      h.behave(async () => {
        throw new AppError('conflict', 'insufficient_stock', 'Not enough stock.');
      });
      const k = key();
      const conflict = await h.post('/v1/orders', { sku: 'a' }, k);
      assert.equal(conflict.status, 409);
      const bytes = Buffer.from(await conflict.arrayBuffer());
      const replay = await h.post('/v1/orders', { sku: 'a' }, k);
      assert.equal(replay.status, 409);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.deepEqual(Buffer.from(await replay.arrayBuffer()), bytes);

      h.behave(async (_request, reply) => reply.code(402).send({ declined: true }));
      const d = key();
      assert.equal((await h.post('/v1/orders', { sku: 'a' }, d)).status, 402);
      const declined = await h.post('/v1/orders', { sku: 'a' }, d);
      assert.equal(declined.status, 402);
      assert.equal(declined.headers.get('idempotent-replayed'), 'true');
      assert.equal(h.executions(), 2);
    });

    it('an expired lease is taken over (recovered: true); the first attempt’s late answer is not stored', async (t) => {
      const h = await start(t);
      const gate = blockFirst(h);
      const k = key();
      const crashed = h.post('/v1/orders', { sku: 'a' }, k);
      await gate.entered.promise;
      h.clock.now += 60_000; // past the first attempt's lease (its time left plus 5 s)
      const takeover = await h.post('/v1/orders', { sku: 'a' }, k);
      assert.equal(takeover.status, 201);
      const takeoverBytes = Buffer.from(await takeover.arrayBuffer());
      assert.equal(JSON.parse(takeoverBytes.toString()).recovered, true);
      gate.open();
      assert.equal((await crashed).status, 201);
      await waitFor(
        () => h.logs.lines().some((line) => String(line.msg).includes('taken over')),
        'the fenced-off completion to be logged',
      );
      const replay = await h.post('/v1/orders', { sku: 'a' }, k);
      assert.deepEqual(Buffer.from(await replay.arrayBuffer()), takeoverBytes);
      assert.equal(h.executions(), 2);
    });

    it('a stalled completion gives up before the request deadline: the 201 still arrives in time', async (t) => {
      // A store that answers only when its call's deadline passes, as a stalled database does.
      const h = await start(t, (store) => ({
        ...store,
        complete: async (_lease, request) => {
          await delay(Math.max(0, request.deadline - Date.now()));
          throw new AppError('deadline_exceeded', 'deadline_exceeded', 'Stalled.');
        },
      }));
      const budgetMs = 3_000; // over the core's 2 s floor, so the request's deadline decides
      const started = Date.now();
      const deadline = new Date(started + budgetMs).toISOString();
      const answer = await h.post('/v1/orders', { sku: 'a' }, { ...key(), 'x-request-deadline': deadline });
      const tookMs = Date.now() - started;
      assert.equal(answer.status, 201);
      assert.ok(tookMs < budgetMs, `answered after ${tookMs} ms, past the ${budgetMs} ms deadline`);
      assert.ok(tookMs >= budgetMs - 500, `answered after ${tookMs} ms: the store call did not wait for its deadline`);
    });

    it('a store failure after execution still answers; the key stays locked until its lease ends', async (t) => {
      let failComplete = true;
      const h = await start(t, (store) => ({
        ...store,
        complete: async (lease, request) => {
          if (failComplete) throw new AppError('unavailable', 'database_unavailable', 'Down.');
          return store.complete(lease, request);
        },
      }));
      const k = key();
      assert.equal((await h.post('/v1/orders', { sku: 'a' }, k)).status, 201);
      assert.ok(h.logs.lines().some((line) => String(line.msg).includes('outcome not recorded')));
      await problem(await h.post('/v1/orders', { sku: 'a' }, k), 409, 'idempotency_request_in_progress');
      failComplete = false;
      h.clock.now += 60_000;
      const retried = await h.post('/v1/orders', { sku: 'a' }, k);
      assert.equal(((await retried.json()) as { recovered: boolean }).recovered, true);
      assert.equal((await h.post('/v1/orders', { sku: 'a' }, k)).headers.get('idempotent-replayed'), 'true');
    });
  });
}

describe('installIdempotency wiring', () => {
  it('a route declaring idempotency but registered before installIdempotency is refused, not run unprotected', async (t) => {
    const logs = captureLogs();
    const app = createHttpServer({ logger: logs.logger });
    let ran = false;
    app.post('/early', { config: { idempotency: 'required' } }, async () => {
      ran = true;
      return {};
    });
    installIdempotency(app, {
      store: createMemoryIdempotencyStore(),
      scopeOf: () => 'ten_1',
      leaseMs: () => 1_000,
    });
    const base = await listen(app);
    t.after(() => app.close());
    const response = await fetch(`${base}/early`, { method: 'POST', headers: { 'idempotency-key': 'k' } });
    assert.equal(response.status, 500);
    await response.body?.cancel();
    assert.equal(ran, false);
    const logged = logs.lines().map((line) => JSON.stringify(line.err ?? ''));
    assert.ok(logged.some((err) => err.includes('registered before installIdempotency')));
  });

  it('an unknown mode is refused when the route is registered', () => {
    const app = createHttpServer({ logger: captureLogs().logger });
    installIdempotency(app, { store: createMemoryIdempotencyStore(), scopeOf: () => 't', leaseMs: () => 1 });
    // The cast is the point: a JavaScript caller or a config built at run time can say anything.
    const config = { idempotency: 'always' as 'required' };
    assert.throws(() => app.post('/x', { config }, async () => ({})), /must be 'required' or 'optional'/);
  });
});

/** Holds the first execution until `open()`; later executions run at once. */
function blockFirst(h: Harness): { entered: Deferred<void>; open(): void } {
  const entered = deferred();
  const release = deferred();
  h.behave(async (request, reply, n) => {
    if (n === 1) {
      entered.resolve();
      await release.promise;
    }
    return createdOrder(request, reply, n);
  });
  return { entered, open: () => release.resolve() };
}

/** A POST through node:http, which can send a header twice (fetch would join the values). */
function rawPost(
  base: string,
  path: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method: 'POST', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end('{"sku":"a"}');
  });
}
