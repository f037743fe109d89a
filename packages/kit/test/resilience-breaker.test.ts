import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { createMetrics, registerPolicyMetrics } from '../src/metrics/index.ts';
import {
  type BreakerState,
  type Classify,
  createPolicy,
  isPolicyRejection,
  outcomes,
  type PolicyConfig,
  type PolicyRejection,
} from '../src/resilience/index.ts';
import { SlidingWindow } from '../src/resilience/sliding-window.ts';
import { captureLogs } from './http-test-support.ts';

class HttpFailure extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

const classify: Classify = (error) =>
  error instanceof HttpFailure && error.status >= 500 ? outcomes.transient() : outcomes.permanent;

/** One attempt per call, so every call is one sample of the breaker. */
const base: PolicyConfig = {
  name: 'dep',
  timeout: { marginMs: 0 },
  retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  retryBudget: { ratio: 0.1, minRetriesPerSecond: 1_000, windowMs: 10_000 },
  breaker: { volumeThreshold: 10, failureRatio: 0.5, windowMs: 10_000, halfOpenAfterMs: 1_000, halfOpenProbes: 2 },
  bulkhead: { maxConcurrent: 1_000, maxQueue: 0 },
};

const start = 1_700_000_000_000;
const farDeadline = (): { deadline: number } => ({ deadline: Date.now() + 60_000 });

function useFakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const ok = async (): Promise<string> => 'ok';
const fails = (status: number) => async (): Promise<never> => {
  throw new HttpFailure(status);
};

/** Calls the test answers one by one: each attempt is parked until resolved or rejected. */
function parked() {
  const attempts: { signal: AbortSignal; resolve: (value: string) => void; reject: (error: unknown) => void }[] = [];
  const call = (signal: AbortSignal): Promise<string> =>
    new Promise((resolve, reject) => {
      attempts.push({ signal, resolve, reject });
    });
  return { attempts, call };
}

async function rejection(promise: Promise<unknown>): Promise<PolicyRejection> {
  try {
    await promise;
  } catch (error) {
    if (isPolicyRejection(error)) return error;
    throw error;
  }
  assert.fail('expected a PolicyRejection');
}

async function run(policy: ReturnType<typeof createPolicy>, call: () => Promise<string>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await policy.execute(farDeadline(), call, classify).catch(() => undefined);
}

/** A policy whose state changes are recorded. */
function watched(config: PolicyConfig = base) {
  const changes: BreakerState[] = [];
  const policy = createPolicy({ ...config, onStateChange: (_name, state) => changes.push(state) });
  return { policy, changes };
}

test('the breaker waits for the volume threshold, then opens at the failure ratio', async (t) => {
  useFakeTime(t);
  const { policy, changes } = watched();
  await run(policy, fails(503), 9);
  assert.equal(policy.state, 'closed', '9 failures are below the volume of 10');
  const { policy: mixed } = watched();
  await run(mixed, ok, 6);
  await run(mixed, fails(500), 4);
  assert.equal(mixed.state, 'closed', '4 failures in 10 calls is below 0.5');
  await run(mixed, fails(500), 1);
  assert.equal(mixed.state, 'closed', '5 in 11 is still below 0.5');
  await run(mixed, fails(500), 1);
  assert.equal(mixed.state, 'open', '6 in 12 reaches 0.5');
  await run(policy, fails(503), 1);
  assert.equal(policy.state, 'open');
  assert.deepEqual(changes, ['open']);
});

test('failures a 400 stands for do not trip the breaker', async (t) => {
  useFakeTime(t);
  const { policy } = watched();
  await run(policy, fails(400), 50);
  assert.equal(policy.state, 'closed');
  assert.equal(policy.stats().calls.error, 50);
});

test('while open, calls are refused at once with the time until half-open, and never invoked', async (t) => {
  useFakeTime(t);
  const { policy } = watched();
  assert.equal(policy.refusalMs(), undefined, 'closed: a call would pass');
  await run(policy, fails(503), 10);
  assert.equal(policy.state, 'open');
  t.mock.timers.tick(400);
  assert.equal(policy.refusalMs(), 600, 'what a caller can check before doing any work');
  let invoked = 0;
  const rejected = await rejection(
    policy.execute(
      farDeadline(),
      async () => {
        invoked++;
        return 'ok';
      },
      classify,
    ),
  );
  assert.equal(rejected.reason, 'circuit_open');
  assert.equal(rejected.retryAfterMs, 600);
  assert.equal(invoked, 0);
  assert.equal(policy.stats().rejections.circuit_open, 1);
});

test('half-open admits exactly the configured probes, refuses the rest at once, closes when they succeed', async (t) => {
  useFakeTime(t);
  const { policy, changes } = watched();
  await run(policy, fails(503), 10);
  t.mock.timers.tick(1_000);
  assert.equal(policy.refusalMs(), undefined, 'half-open is due: a probe would pass');
  const { attempts, call } = parked();
  const probes = [policy.execute(farDeadline(), call, classify), policy.execute(farDeadline(), call, classify)];
  await settle();
  assert.equal(policy.state, 'half_open');
  assert.equal(attempts.length, 2);
  assert.equal(policy.refusalMs(), 1_000, 'every probe is out');
  const third = await rejection(policy.execute(farDeadline(), call, classify));
  assert.equal(third.reason, 'circuit_open');
  assert.equal(attempts.length, 2, 'the third call never reached the dependency');
  attempts[0]?.resolve('one');
  await settle();
  assert.equal(policy.state, 'half_open', 'one probe is not enough');
  attempts[1]?.resolve('two');
  assert.deepEqual(await Promise.all(probes), ['one', 'two']);
  assert.equal(policy.state, 'closed');
  assert.deepEqual(changes, ['open', 'half_open', 'closed']);
  assert.equal(policy.refusalMs(), undefined);
  await run(policy, fails(503), 9);
  assert.equal(policy.state, 'closed', 'closing forgot the failures that opened it');
});

test('a failed probe reopens the circuit for another halfOpenAfterMs', async (t) => {
  useFakeTime(t);
  const { policy, changes } = watched();
  await run(policy, fails(503), 10);
  t.mock.timers.tick(1_000);
  await run(policy, fails(503), 1);
  assert.equal(policy.state, 'open');
  assert.deepEqual(changes, ['open', 'half_open', 'open']);
  const rejected = await rejection(policy.execute(farDeadline(), ok, classify));
  assert.equal(rejected.retryAfterMs, 1_000);
});

test('a probe the caller abandons counts as a failed probe: no closing on no evidence', async (t) => {
  useFakeTime(t);
  const { policy, changes } = watched({ ...base, breaker: { ...base.breaker, halfOpenProbes: 1 } });
  await run(policy, fails(503), 10);
  t.mock.timers.tick(1_000);
  const caller = new AbortController();
  const { call } = parked();
  const probe = rejection(policy.execute({ deadline: Date.now() + 5_000, signal: caller.signal }, call, classify));
  await settle();
  caller.abort();
  assert.equal((await probe).reason, 'deadline_exceeded');
  assert.deepEqual(changes, ['open', 'half_open', 'open']);
});

test('failures older than the window are forgotten, however long the quiet spell', async (t) => {
  useFakeTime(t);
  const { policy } = watched();
  await run(policy, fails(503), 9);
  t.mock.timers.tick(60 * 60 * 1_000);
  await run(policy, fails(503), 1);
  assert.equal(
    policy.state,
    'closed',
    "an hour-old burst must not count (cockatiel's SamplingBreaker would open here)",
  );
  const window = new SlidingWindow(1_000);
  window.addFirst(start);
  window.addFirst(start + 950);
  assert.equal(window.first(start + 999), 2);
  assert.equal(window.first(start + 1_000), 1, 'the first slot expired');
  assert.equal(window.first(start + 1_000_000), 0);
});

test('state changes are logged: warn on open, info on half-open and closed', async (t) => {
  useFakeTime(t);
  const logs = captureLogs();
  const policy = createPolicy({ ...base, breaker: { ...base.breaker, halfOpenProbes: 1 }, logger: logs.logger });
  await run(policy, fails(503), 10);
  t.mock.timers.tick(1_000);
  await run(policy, ok, 1);
  const lines = logs.lines().map((line) => [line.level, line.dependency, line.state]);
  assert.deepEqual(lines, [
    ['warn', 'dep', 'open'],
    ['info', 'dep', 'half_open'],
    ['info', 'dep', 'closed'],
  ]);
});

test('a throwing onStateChange is logged and does not break the call', async (t) => {
  useFakeTime(t);
  const logs = captureLogs();
  const policy = createPolicy({
    ...base,
    logger: logs.logger,
    onStateChange: () => {
      throw new Error('listener bug');
    },
  });
  await run(policy, fails(503), 10);
  assert.equal(policy.state, 'open');
  assert.ok(logs.lines().some((line) => line.level === 'error' && line.msg === 'onStateChange threw; ignored'));
});

test('bulkhead: beyond maxConcurrent calls wait in the queue; beyond the queue, bulkhead_full at once', async () => {
  const policy = createPolicy({ ...base, bulkhead: { maxConcurrent: 2, maxQueue: 1 } });
  const { attempts, call } = parked();
  const running = [policy.execute(farDeadline(), call, classify), policy.execute(farDeadline(), call, classify)];
  const queued = policy.execute(farDeadline(), call, classify);
  await settle();
  assert.equal(attempts.length, 2);
  const full = await rejection(policy.execute(farDeadline(), call, classify));
  assert.equal(full.reason, 'bulkhead_full');
  assert.equal(attempts.length, 2, 'the refused call never ran');
  attempts[0]?.resolve('a');
  await settle();
  assert.equal(attempts.length, 3, 'the queued call runs once a slot frees');
  attempts[1]?.resolve('b');
  attempts[2]?.resolve('c');
  assert.deepEqual(await Promise.all([...running, queued]), ['a', 'b', 'c']);
  assert.equal(policy.stats().rejections.bulkhead_full, 1);
});

test('bulkhead: a queued call whose deadline passes is rejected at once and never runs', async (t) => {
  useFakeTime(t);
  const policy = createPolicy({ ...base, bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
  const { attempts, call } = parked();
  const running = policy.execute({ deadline: start + 10_000 }, call, classify);
  const queued = rejection(policy.execute({ deadline: start + 100 }, call, classify));
  await settle();
  t.mock.timers.tick(100);
  assert.equal((await queued).reason, 'deadline_exceeded');
  attempts[0]?.resolve('first');
  assert.equal(await running, 'first');
  await settle();
  assert.equal(attempts.length, 1, 'the abandoned call was dropped from the queue, not run');
});

test('registerPolicyMetrics exposes breaker state, calls by outcome, retries and rejections', async (t) => {
  useFakeTime(t);
  const metrics = createMetrics({ prefix: 'test_' });
  const policy = createPolicy({ ...base, retry: { maxAttempts: 2, baseDelayMs: 0, maxDelayMs: 0 } });
  registerPolicyMetrics(metrics, policy);
  assert.throws(() => registerPolicyMetrics(metrics, policy), /already registered/);
  await run(policy, ok, 2);
  await run(policy, fails(400), 1);
  // The 400 counts as a success for the breaker (the dependency answered): after 3 successes
  // the 7th failure makes 10 samples at 70 % and opens the circuit, so the 4th call's retry is refused.
  await run(policy, fails(503), 4);
  const text = await metrics.registry.metrics();
  const value = (series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? Number.NaN : Number(line.slice(series.length + 1));
  };
  assert.equal(value('test_dependency_breaker_state{dependency="dep"}'), 2);
  assert.equal(value('test_dependency_calls_total{dependency="dep",outcome="success"}'), 2);
  assert.equal(value('test_dependency_calls_total{dependency="dep",outcome="error"}'), 1);
  assert.equal(value('test_dependency_calls_total{dependency="dep",outcome="failure"}'), 7);
  assert.equal(value('test_dependency_retries_total{dependency="dep"}'), 3);
  assert.equal(value('test_dependency_rejections_total{dependency="dep",reason="attempts_exhausted"}'), 3);
  assert.equal(value('test_dependency_rejections_total{dependency="dep",reason="circuit_open"}'), 1);
  // A second scrape adds nothing that did not happen.
  const again = await metrics.registry.metrics();
  assert.ok(again.includes('test_dependency_calls_total{dependency="dep",outcome="success"} 2'));
});
