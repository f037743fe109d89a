import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../src/http/index.ts';
import { createMetrics, registerSheddingMetrics } from '../src/metrics/index.ts';
import {
  createLoadShedder,
  installShedding,
  type LoadShedder,
  type LoadShedderOptions,
  type Priority,
  priorities,
} from '../src/shedding/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

// The signal source is the test's and a tick is the unit of time: the depth moves exactly when
// the test ticks. `smoothing: 1` (no EWMA) where a test needs exact depths.

/** A seeded PRNG (mulberry32): the noise is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function harness(options: Partial<LoadShedderOptions> = {}) {
  const signal = { value: 0 };
  // No floor: these tests are about the depth; the floor has its own test below.
  const shedder = createLoadShedder({ signal: () => signal.value, minInFlight: 0, ...options });
  /** Ticks `n` times with the signal at `value`. */
  const run = (n: number, value: number): void => {
    signal.value = value;
    for (let i = 0; i < n; i += 1) shedder.tick();
  };
  /** The share of `n` admissions of each class that were refused. */
  const refusedShare = (n = 1_000): Record<Priority, number> => {
    const share = { critical: 0, write: 0, read: 0, bulk: 0 };
    for (const priority of priorities) {
      for (let i = 0; i < n; i += 1) {
        const decision = shedder.admit(priority);
        if (decision.admitted) decision.done();
        else share[priority] += 1;
      }
      share[priority] /= n;
    }
    return share;
  };
  const admitted = (): Priority[] => priorities.filter((priority) => refusedShare(1)[priority] === 0);
  return { shedder, signal, run, refusedShare, admitted };
}

/** The ramp bench's mix: share of the offered load by class. */
const mix: Record<Priority, number> = { critical: 0.05, write: 0.15, read: 0.7, bulk: 0.1 };

/**
 * A service in a loop with the shedder: each tick `load` (1 = the load the signal calls 1) is
 * offered in the mix, 1 000 requests a tick, and the next signal is the load admitted, times `noise`.
 */
function plant(shedder: LoadShedder) {
  let signal = 0;
  const step = (load: number, noise = 1) => {
    const refused = { critical: 0, write: 0, read: 0, bulk: 0 };
    let admittedLoad = 0;
    for (const priority of priorities) {
      const n = Math.round(1_000 * mix[priority]);
      for (let i = 0; i < n; i += 1) {
        const decision = shedder.admit(priority);
        if (decision.admitted) {
          admittedLoad += load / 1_000;
          decision.done();
        } else refused[priority] += 1;
      }
      refused[priority] /= n;
    }
    signal = admittedLoad * noise;
    return { refused, admittedLoad };
  };
  return { step, signal: () => signal };
}

describe('load shedder', () => {
  it('sheds classes in order under a forced signal: lists, then reads, then writes, payments last', () => {
    const { shedder, run, refusedShare, admitted } = harness({ smoothing: 1 });
    assert.deepEqual(admitted(), ['critical', 'write', 'read', 'bulk']);
    // 1.4 is above the target and below `criticalAt` (2): the depth rises 0.1 a tick up to 3.
    let last = refusedShare();
    for (let i = 0; i < 31; i += 1) {
      run(1, 1.4);
      const share = refusedShare();
      assert.ok(share.bulk >= share.read && share.read >= share.write, JSON.stringify(share));
      assert.equal(share.critical, 0, 'payments are never refused below extreme pressure');
      for (const priority of priorities) assert.ok(share[priority] >= last[priority] - 0.01, 'refusals only grow');
      last = share;
    }
    assert.equal(shedder.stats().depth, 3);
    assert.deepEqual(admitted(), ['critical']);
    run(50, 1.9);
    assert.equal(shedder.stats().depth, 3, 'everything else refused is not enough: the pressure must be extreme');
    run(2, 3);
    assert.ok(shedder.stats().depth <= 3.05, 'into payments slowly');
    run(20, 3);
    assert.equal(shedder.stats().depth, 4);
    assert.deepEqual(admitted(), []);
    const refused = shedder.admit('critical');
    assert.equal(refused.admitted, false);
    if (!refused.admitted) assert.equal(refused.retryAfterMs, 4_000);
    run(22, 1.5);
    assert.equal(shedder.stats().depth, 3, 'payments come back once the pressure is no longer extreme');
    assert.deepEqual(admitted(), ['critical']);
  });

  it('refuses the boundary class in the share the depth says, evenly', () => {
    const { shedder, run, refusedShare } = harness({ smoothing: 1, maxStepUp: 0.25 });
    run(6, 1.4); // the first tick is filtered out, then 0.25 a tick: depth 1.25, all lists, a quarter of the reads
    assert.equal(shedder.stats().depth, 1.25);
    const share = refusedShare(1_000);
    assert.equal(share.bulk, 1);
    assert.ok(Math.abs(share.read - 0.25) < 0.01, `reads refused ${share.read}`);
    assert.equal(share.write, 0);
    // Evenly: any 20 consecutive reads see 4–6 refusals, never a burst.
    const window: boolean[] = [];
    for (let i = 0; i < 400; i += 1) {
      const decision = shedder.admit('read');
      if (decision.admitted) decision.done();
      window.push(!decision.admitted);
      if (window.length > 20) window.shift();
      const refused = window.filter(Boolean).length;
      if (window.length === 20) assert.ok(refused >= 4 && refused <= 6, `${refused} of 20`);
    }
  });

  it('ramps smoothly: from 0.5× to 3× the load, the boundary share grows and the admitted load holds the target', () => {
    const { shedder, signal } = harness();
    const service = plant(shedder);
    let readShare = 0;
    let depth = 0;
    for (let t = 0; t < 600; t += 1) {
      const load = 0.5 + (2.5 * t) / 600;
      const { refused, admittedLoad } = service.step(load);
      signal.value = service.signal();
      shedder.tick();
      const now = shedder.stats().depth;
      assert.ok(now - depth <= 0.1 + 1e-9, 'the depth moves by bounded steps');
      depth = now;
      assert.equal(refused.critical, 0, 'payments pass');
      if (t % 60 === 59) {
        // Averaged over the ramp's tenths the read share only grows.
        assert.ok(refused.read >= readShare - 0.05, `t=${t}: reads ${refused.read} after ${readShare}`);
        readShare = refused.read;
      }
      if (load > 1.2 && t > 100) assert.ok(admittedLoad > 0.85 && admittedLoad < 1.15, `t=${t}: ${admittedLoad}`);
    }
    // At 3× the load, 1/3 is the most that may pass: lists gone, most reads refused, writes pass.
    assert.ok(readShare > 0.6 && readShare < 1, `reads refused at 3×: ${readShare}`);
  });

  it('does not flap: under a noisy constant overload the depth settles and rarely turns', () => {
    const { shedder, signal } = harness();
    const service = plant(shedder);
    const noise = seeded(42);
    const depths: number[] = [];
    for (let t = 0; t < 1_100; t += 1) {
      service.step(2, 0.85 + 0.3 * noise()); // ±15% on every sample
      signal.value = service.signal();
      shedder.tick();
      if (t >= 100) depths.push(shedder.stats().depth);
    }
    let turns = 0;
    let direction = 0;
    for (let i = 1; i < depths.length; i += 1) {
      const delta = (depths[i] ?? 0) - (depths[i - 1] ?? 0);
      const sign = Math.sign(delta);
      if (sign !== 0 && direction !== 0 && sign !== direction) turns += 1;
      if (sign !== 0) direction = sign;
    }
    const min = Math.min(...depths);
    const max = Math.max(...depths);
    assert.ok(max - min < 0.35, `depth wandered over [${min}, ${max}]`);
    assert.ok(turns <= 5, `the depth turned ${turns} times in 1 000 ticks`);
    assert.ok(Math.ceil(min) === Math.ceil(max), 'one boundary class throughout: no class flips in and out');
  });

  it('recovers when the pressure goes away: the depth falls steadily to 0 and everything is admitted', () => {
    const { shedder, run, admitted } = harness();
    run(80, 3);
    assert.equal(shedder.stats().depth, 4);
    const seen: number[] = [];
    for (let i = 0; i < 120; i += 1) {
      run(1, 0);
      seen.push(shedder.stats().depth);
    }
    for (let i = 1; i < seen.length; i += 1) assert.ok((seen[i] ?? 0) <= (seen[i - 1] ?? 0), 'never rises again');
    assert.ok(seen.indexOf(0) > 20, 'slowly: a class comes back about every 2 s (20 ticks)');
    assert.equal(shedder.stats().depth, 0, 'within 12 s');
    assert.deepEqual(admitted(), ['critical', 'write', 'read', 'bulk']);
  });

  it('holds the depth for a second after it rose, then lets it fall: load at the edge does not flap', () => {
    const { shedder, run } = harness({ smoothing: 1 });
    run(3, 1.5);
    run(1, 0); // the median of three still sees 1.5: the last rise (0.3 in all)
    const raised = shedder.stats().depth;
    assert.ok(raised > 0);
    run(10, 0); // the 1 s hold (10 ticks) counted from the last rise
    assert.equal(shedder.stats().depth, raised, 'held for 10 ticks after the last rise');
    run(1, 0);
    assert.ok(shedder.stats().depth < raised, 'falls once the hold is over');
    run(40, 0);
    assert.equal(shedder.stats().depth, 0);
  });

  it('spikes of one tick do not shed, however often and however high (a GC pause, a neighbour)', () => {
    const { shedder, run, admitted } = harness();
    for (let i = 0; i < 100; i += 1) {
      run(1, 5);
      run(3, 0.9);
      assert.equal(shedder.stats().depth, 0);
    }
    assert.deepEqual(admitted(), ['critical', 'write', 'read', 'bulk']);
    run(2, 5);
    assert.ok(shedder.stats().depth > 0, 'two ticks in a row do');
  });

  it('answers without allocating: admissions and refusals are shared objects', () => {
    const { shedder, run } = harness({ smoothing: 1, maxStepUp: 0.25 });
    const first = shedder.admit('read');
    assert.equal(shedder.admit('write'), first);
    run(8, 1.4); // depth 1.75
    const refusal = shedder.admit('bulk');
    assert.equal(shedder.admit('read'), refusal);
    assert.equal(refusal.admitted, false);
    if (!refusal.admitted) assert.equal(refusal.level, 2);
    if (first.admitted) {
      first.done();
      first.done();
      first.done();
    }
    assert.equal(shedder.stats().inFlight, 0, 'extra done() calls never drive the count below 0');
  });

  it('below the in-flight floor nothing is shed, whatever the depth: a lone client is never refused', () => {
    const signal = { value: 3 };
    const shedder = createLoadShedder({ signal: () => signal.value, minInFlight: 2 });
    for (let i = 0; i < 100; i += 1) shedder.tick();
    assert.equal(shedder.stats().depth, 4);
    const first = shedder.admit('bulk');
    assert.equal(first.admitted, true, 'nothing in flight');
    const second = shedder.admit('bulk');
    assert.equal(second.admitted, true, 'one in flight');
    assert.equal(shedder.admit('bulk').admitted, false, 'two in flight: the floor is reached');
    for (const decision of [first, second]) if (decision.admitted) decision.done();
    assert.equal(shedder.admit('bulk').admitted, true, 'back below the floor');
  });

  it('requests in flight count as pressure', () => {
    const { shedder, run } = harness({ maxInFlight: 100 });
    const held = Array.from({ length: 150 }, () => shedder.admit('critical'));
    run(30, 0);
    assert.ok(shedder.stats().depth >= 1, 'over maxInFlight sheds lists');
    for (const decision of held) if (decision.admitted) decision.done();
    assert.equal(shedder.stats().inFlight, 0);
  });
});

describe('load shedding Fastify hook', () => {
  let app: FastifyInstance;
  let base: string;
  const signal = { value: 0 };
  const shedder = createLoadShedder({ signal: () => signal.value, minInFlight: 0, smoothing: 1, maxStepUp: 0.25 });
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
    // One tick filtered out, 0.25 a tick for 7 more, one more while the median still sees 1.4,
    // then at the target (in the dead band): the depth stays at 2.
    signal.value = 1.4;
    for (let i = 0; i < 8; i += 1) shedder.tick();
    signal.value = 1;
    for (let i = 0; i < 5; i += 1) shedder.tick();
    assert.equal(shedder.stats().depth, 2);
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
  it('expose the depth, the level, the pressure and the requests in flight', async () => {
    const shedder = createLoadShedder({ signal: () => 0 });
    const metrics = createMetrics();
    registerSheddingMetrics(metrics, shedder);
    const held = [shedder.admit('read'), shedder.admit('critical')];
    const text = await metrics.registry.metrics();
    assert.match(text, /^\w*load_shed_in_flight 2$/m);
    assert.match(text, /^\w*load_shed_level 0$/m);
    assert.match(text, /^\w*load_shed_depth 0$/m);
    for (const decision of held) if (decision.admitted) decision.done();
    assert.match(await metrics.registry.metrics(), /^\w*load_shed_in_flight 0$/m);
  });
});
