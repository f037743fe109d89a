import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../src/http/index.ts';
import { createMemoryRateLimitStore, createRateLimiter, installRateLimit } from '../src/ratelimit/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

// The hook on a real chassis server over sockets; time is the test's clock, so a refill happens
// when the test says so. The key is the `x-key` header; requests without it are not limited.

const policy = { name: 'basic', rate: 10, burst: 3, concurrency: 2 };

describe('rate limit Fastify hook', () => {
  let app: FastifyInstance;
  let base: string;
  const clock = { now: Date.UTC(2030, 0, 1) };
  const gates: Array<() => void> = [];

  before(async () => {
    app = createHttpServer({ logger: captureLogs().logger });
    installRateLimit(app, {
      limiter: createRateLimiter({ store: createMemoryRateLimitStore(), clock: () => clock.now }),
      subjectOf: (request) => {
        const key = request.headers['x-key'];
        return typeof key === 'string' ? { key, policy } : undefined;
      },
      leaseMs: () => 10_000,
    });
    app.get('/cheap', async () => ({ ok: true }));
    app.get('/dear', { config: { rateLimitCost: 2 } }, async () => ({ ok: true }));
    app.get('/slow', async () => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return { ok: true };
    });
    base = await listen(app);
  });
  after(() => app.close());

  const get = (path: string, key?: string) =>
    fetch(`${base}${path}`, key === undefined ? {} : { headers: { 'x-key': key } });

  it('every limited answer carries RateLimit-Policy and RateLimit', async () => {
    const response = await get('/cheap', 'headers');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('ratelimit-policy'), '"basic";q=3;w=1');
    assert.equal(response.headers.get('ratelimit'), '"basic";r=2;t=1');
    const unlimited = await get('/cheap');
    assert.equal(unlimited.headers.get('ratelimit'), null);
  });

  it('over the limit: 429 rate_limited, reason rate, Retry-After no earlier than the tokens', async () => {
    const key = 'flood';
    for (let i = 0; i < policy.burst; i += 1) assert.equal((await get('/cheap', key)).status, 200);
    const refused = await get('/cheap', key);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.equal(retryAfter, 1);
    assert.equal(refused.headers.get('ratelimit'), '"basic";r=0;t=1');
    const problem = (await refused.json()) as Record<string, unknown>;
    assert.equal(problem.code, 'rate_limited');
    assert.equal(problem.status, 429);
    assert.equal(problem.reason, 'rate');
    // The token is back 100 ms later; a client honouring Retry-After (1 s) is never early.
    clock.now += 99;
    assert.equal((await get('/cheap', key)).status, 429);
    clock.now += retryAfter * 1_000 - 99;
    assert.equal((await get('/cheap', key)).status, 200);
  });

  it('a route declaring cost 2 spends two tokens', async () => {
    const key = 'dear';
    const first = await get('/dear', key);
    assert.equal(first.headers.get('ratelimit'), '"basic";r=1;t=1');
    assert.equal((await get('/dear', key)).status, 429);
    assert.equal((await get('/cheap', key)).status, 200, 'the one token left still serves a cheap call');
  });

  it('too many in flight: 429 with reason concurrency; a finished request frees its slot', async () => {
    const key = 'parallel';
    clock.now += 10_000;
    const slow = [get('/slow', key), get('/slow', key)];
    while (gates.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await get('/cheap', key);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const problem = (await refused.json()) as Record<string, unknown>;
    assert.equal(problem.reason, 'concurrency');
    assert.match(String(problem.detail), /concurrent/);
    for (const open of gates.splice(0)) open();
    for (const response of await Promise.all(slow)) assert.equal(response.status, 200);
    clock.now += 10_000;
    assert.equal((await get('/cheap', key)).status, 200);
  });
});
