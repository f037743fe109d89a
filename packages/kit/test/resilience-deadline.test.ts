import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import {
  type Classify,
  createPolicy,
  isPolicyRejection,
  outcomes,
  type PolicyConfig,
  type PolicyRejection,
} from '../src/resilience/index.ts';

const classify: Classify = () => outcomes.transient();

const base: PolicyConfig = {
  name: 'dep',
  timeout: { marginMs: 100 },
  retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 },
  retryBudget: { ratio: 0.1, minRetriesPerSecond: 1_000, windowMs: 10_000 },
  breaker: { volumeThreshold: 1_000_000, failureRatio: 1, windowMs: 10_000, halfOpenAfterMs: 1_000 },
  bulkhead: { maxConcurrent: 1_000, maxQueue: 0 },
};

const start = 1_700_000_000_000;

function useFakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A dependency that never answers; it records each attempt's signal and, if asked, honours it. */
function hanging(options: { honoursSignal: boolean }) {
  const signals: AbortSignal[] = [];
  const call = (signal: AbortSignal): Promise<string> =>
    new Promise((_resolve, reject) => {
      signals.push(signal);
      if (options.honoursSignal) signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  return { signals, call };
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

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

test("the call's signal fires at deadline − marginMs and the call ends deadline_exceeded", async (t) => {
  useFakeTime(t);
  const policy = createPolicy(base);
  const { signals, call } = hanging({ honoursSignal: true });
  const outcome = rejection(policy.execute({ deadline: start + 1_000 }, call, classify));
  await settle();
  t.mock.timers.tick(899);
  assert.equal(signals[0]?.aborted, false);
  t.mock.timers.tick(1);
  assert.equal(signals[0]?.aborted, true);
  const reason: unknown = signals[0]?.reason;
  assert.ok(reason instanceof DOMException && reason.name === 'TimeoutError', 'the policy says why');
  const rejected = await outcome;
  assert.equal(rejected.reason, 'deadline_exceeded');
  assert.equal(signals.length, 1, 'no retry after the deadline');
  assert.equal(policy.stats().calls.timeout, 1);
});

test('a call that ignores its signal still ends at the deadline: the policy stops waiting', async (t) => {
  useFakeTime(t);
  const policy = createPolicy(base);
  const { call } = hanging({ honoursSignal: false });
  const outcome = rejection(policy.execute({ deadline: start + 300 }, call, classify));
  await settle();
  t.mock.timers.tick(200);
  assert.equal((await outcome).reason, 'deadline_exceeded');
});

test('an expired deadline or an aborted caller rejects before any call', async () => {
  const policy = createPolicy(base);
  let invoked = 0;
  const call = async (): Promise<string> => {
    invoked++;
    return 'ok';
  };
  assert.equal(
    (await rejection(policy.execute({ deadline: Date.now() + 50 }, call, classify))).reason,
    'deadline_exceeded',
  );
  const caller = new AbortController();
  caller.abort();
  const cancelled = policy.execute({ deadline: Date.now() + 60_000, signal: caller.signal }, call, classify);
  assert.equal((await rejection(cancelled)).reason, 'deadline_exceeded');
  assert.equal(invoked, 0);
});

test("the call's signal follows the caller's signal", async () => {
  const policy = createPolicy(base);
  const { signals, call } = hanging({ honoursSignal: true });
  const caller = new AbortController();
  const outcome = rejection(policy.execute({ deadline: Date.now() + 60_000, signal: caller.signal }, call, classify));
  await settle();
  caller.abort(new Error('client went away'));
  assert.equal(signals[0]?.aborted, true);
  assert.equal((await outcome).reason, 'deadline_exceeded');
  assert.equal(policy.stats().calls.cancelled, 1);
  assert.equal(
    policy.stats().calls.failure + policy.stats().calls.timeout,
    0,
    'a caller leaving is not the dependency failing',
  );
});

test('the caller aborting during a backoff sleep rejects at once, without the sleep running out', async (t) => {
  useFakeTime(t);
  const policy = createPolicy({ ...base, retry: { baseDelayMs: 1_000, maxDelayMs: 1_000 }, random: () => 0.5 });
  const caller = new AbortController();
  let attempts = 0;
  const failing = async (): Promise<never> => {
    attempts++;
    throw new Error('reset');
  };
  const outcome = rejection(policy.execute({ deadline: start + 10_000, signal: caller.signal }, failing, classify));
  await settle();
  t.mock.timers.tick(100); // 100 of the 500 ms backoff
  caller.abort();
  const rejected = await outcome;
  assert.equal(rejected.reason, 'deadline_exceeded');
  assert.equal((rejected.cause as Error).message, 'reset'); // the last failure, for the logs
  assert.equal(Date.now(), start + 100);
  assert.equal(attempts, 1);
});

test('timeout.maxMs caps each attempt, so a hung attempt leaves time for a retry', async (t) => {
  useFakeTime(t);
  const policy = createPolicy({ ...base, timeout: { marginMs: 100, maxMs: 200 } });
  const signals: AbortSignal[] = [];
  const call = (signal: AbortSignal, attempt: number): Promise<string> => {
    signals.push(signal);
    return attempt === 1
      ? new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
      : Promise.resolve('second');
  };
  const result = policy.execute({ deadline: start + 1_000 }, call, classify);
  await settle();
  t.mock.timers.tick(200);
  assert.equal(await result, 'second');
  assert.equal(signals[0]?.aborted, true);
  assert.equal(policy.stats().calls.timeout, 1);
});

test('no timer outlives a call (STACK pitfall 13), whether it succeeds, fails or times out', async () => {
  const policy = createPolicy({ ...base, timeout: { marginMs: 10, maxMs: 30_000 } });
  const before = activeTimeouts();
  assert.equal(await policy.execute({ deadline: Date.now() + 60_000 }, async () => 'ok', classify), 'ok');
  await policy
    .execute(
      { deadline: Date.now() + 60_000 },
      async () => {
        throw new Error('boom');
      },
      () => outcomes.permanent,
    )
    .catch(() => undefined);
  assert.equal(activeTimeouts(), before);
});
