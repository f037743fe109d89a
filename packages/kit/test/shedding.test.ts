import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../src/http/index.ts';
import { createMetrics, registerSheddingMetrics } from '../src/metrics/index.ts';
import { createLoadShedder, installShedding, type Priority, priorities } from '../src/shedding/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

// The signal source is the test's: it forces overload, and time is the test's clock, so the
// level moves exactly when the test ticks.

function harness() {
  const signal = { value: 0 };
  const clock = { now: 0 };
  // No floor: the ordering is about levels; the floor has its own test below.
  const shedder = createLoadShedder({ signal: () => signal.value, clock: () => clock.now, minInFlight: 0 });
  /** Ticks `n` times, 100 ms apart. */
  const run = (n: number, value: number): void => {
    signal.value = value;
    for (let i = 0; i < n; i += 1) {
      clock.now += 100;
      shedder.tick();
    }
  };
  const admitted = (): Priority[] =>
    priorities.filter((priority) => {
      const decision = shedder.admit(priority);
      if (decision.admitted) decision.done();
      return decision.admitted;
    });
  return { shedder, run, admitted };
}

describe('load shedder', () => {
  it('sheds classes in order as pressure rises: lists, then reads, then writes, payments last', () => {
    const { shedder, run, admitted } = harness();
    assert.deepEqual(admitted(), ['critical', 'write', 'read', 'bulk']);
    run(30, 1.1);
    assert.equal(shedder.stats().level, 1);
    assert.deepEqual(admitted(), ['critical', 'write', 'read']);
    run(30, 1.3);
    assert.deepEqual(admitted(), ['critical', 'write']);
    run(30, 1.6);
    assert.deepEqual(admitted(), ['critical']);
    run(30, 3);
    assert.equal(shedder.stats().level, 4);
    assert.deepEqual(admitted(), []);
    const refused = shedder.admit('critical');
    assert.equal(refused.admitted, false);
    if (!refused.admitted) assert.equal(refused.retryAfterMs, 4_000);
  });

  it('the order holds on the way down, one step per hold period', () => {
    const { shedder, run, admitted } = harness();
    while (shedder.stats().level < 4) run(1, 3);
    run(5, 0);
    assert.equal(shedder.stats().level, 4, 'a level is held 2 s after it was entered');
    const seen: number[] = [];
    for (let i = 0; i < 100; i += 1) {
      run(1, 0);
      if (seen.at(-1) !== shedder.stats().level) seen.push(shedder.stats().level);
    }
    assert.deepEqual(seen, [4, 3, 2, 1, 0]);
    assert.deepEqual(admitted(), ['critical', 'write', 'read', 'bulk']);
  });

  it('does not flap: a signal oscillating around a threshold changes the level at most once', () => {
    const { shedder, run } = harness();
    run(30, 1.05);
    assert.equal(shedder.stats().level, 1);
    let changes = 0;
    let last = shedder.stats().level;
    for (let i = 0; i < 200; i += 1) {
      run(1, i % 2 === 0 ? 1.2 : 0.9);
      if (shedder.stats().level !== last) changes += 1;
      last = shedder.stats().level;
    }
    assert.ok(changes <= 1, `level changed ${changes} times`);
  });

  it('a spike of one tick does not shed', () => {
    const { shedder, run } = harness();
    run(1, 2);
    assert.equal(shedder.stats().level, 0);
  });

  it('below the in-flight floor nothing is shed, whatever the level: a lone client is never refused', () => {
    const signal = { value: 3 };
    const shedder = createLoadShedder({ signal: () => signal.value, minInFlight: 2 });
    for (let i = 0; i < 30; i += 1) shedder.tick();
    assert.equal(shedder.stats().level, 4);
    const first = shedder.admit('bulk');
    assert.equal(first.admitted, true, 'nothing in flight');
    const second = shedder.admit('bulk');
    assert.equal(second.admitted, true, 'one in flight');
    assert.equal(shedder.admit('bulk').admitted, false, 'two in flight: the floor is reached');
    for (const decision of [first, second]) if (decision.admitted) decision.done();
    assert.equal(shedder.admit('bulk').admitted, true, 'back below the floor');
  });

  it('requests in flight count as pressure', () => {
    const { shedder, run } = harness();
    const held = Array.from({ length: 1_100 }, () => shedder.admit('critical'));
    run(30, 0);
    assert.ok(shedder.stats().level >= 1, 'over maxInFlight sheds lists');
    for (const decision of held) if (decision.admitted) decision.done();
    assert.equal(shedder.stats().inFlight, 0);
  });
});

describe('load shedding Fastify hook', () => {
  let app: FastifyInstance;
  let base: string;
  const signal = { value: 0 };
  const shedder = createLoadShedder({ signal: () => signal.value, minInFlight: 0 });
  let authenticated = 0;

  before(async () => {
    app = createHttpServer({ logger: captureLogs().logger });
    installShedding(app, shedder);
    // Stands for authentication and everything after it: a shed request must never get here.
    app.addHook('onRequest', async () => {
      authenticated += 1;
    });
    for (const priority of priorities) app.get(`/${priority}`, { config: { priority } }, async () => ({ priority }));
    app.get('/unclassed', async () => ({}));
    base = await listen(app);
  });
  after(() => app.close());

  it('under forced overload: 503 overloaded with Retry-After for reads and lists, before authentication; payments pass', async () => {
    signal.value = 1.3;
    for (let i = 0; i < 30; i += 1) shedder.tick();
    assert.equal(shedder.stats().level, 2);
    const before = authenticated;
    for (const priority of ['read', 'bulk']) {
      const response = await fetch(`${base}/${priority}`);
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '2');
      const problem = (await response.json()) as Record<string, unknown>;
      assert.equal(problem.code, 'overloaded');
    }
    assert.equal(authenticated, before, 'shed requests never reached authentication');
    for (const priority of ['critical', 'write']) assert.equal((await fetch(`${base}/${priority}`)).status, 200);
    assert.equal((await fetch(`${base}/unclassed`)).status, 200, 'a route without a class is never shed');
    const counted = shedder.stats().decisions;
    assert.equal(counted['read:shed'], 1);
    assert.equal(counted['critical:admitted'], 1);
  });
});

describe('shedding metrics', () => {
  it('expose the level, the pressure and the requests in flight', async () => {
    const shedder = createLoadShedder({ signal: () => 0 });
    const metrics = createMetrics();
    registerSheddingMetrics(metrics, shedder);
    const held = [shedder.admit('read'), shedder.admit('critical')];
    const text = await metrics.registry.metrics();
    assert.match(text, /^\w*load_shed_in_flight 2$/m);
    assert.match(text, /^\w*load_shed_level 0$/m);
    for (const decision of held) if (decision.admitted) decision.done();
    assert.match(await metrics.registry.metrics(), /^\w*load_shed_in_flight 0$/m);
  });
});
