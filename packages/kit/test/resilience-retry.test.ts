import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { fullJitterDelayMs } from '../src/resilience/backoff.ts';
import {
  type Classify,
  createPolicy,
  isPolicyRejection,
  outcomes,
  type PolicyConfig,
  PolicyRejection,
} from '../src/resilience/index.ts';
import { RetryBudget } from '../src/resilience/retry-budget.ts';
import { fc } from './support/properties.ts';

/** A dependency's failure as an HTTP client would throw it. */
class HttpFailure extends Error {
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  constructor(status: number, retryAfterMs?: number) {
    super(`HTTP ${status}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

const classify: Classify = (error) =>
  error instanceof HttpFailure && (error.status >= 500 || error.status === 429)
    ? outcomes.transient(error.retryAfterMs)
    : outcomes.permanent;

/** Retries without backoff, a budget and a breaker too large to interfere: each test narrows one. */
const base: PolicyConfig = {
  name: 'dep',
  timeout: { marginMs: 10 },
  retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 },
  retryBudget: { ratio: 0.1, minRetriesPerSecond: 1_000, windowMs: 10_000 },
  breaker: { volumeThreshold: 1_000_000, failureRatio: 1, windowMs: 10_000, halfOpenAfterMs: 1_000 },
  bulkhead: { maxConcurrent: 1_000, maxQueue: 0 },
};

const start = 1_700_000_000_000;

function useFakeTime(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
}

/** Lets every promise callback already queued run (the fake clock does not move). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Moves the fake clock by `ms`, firing due timers, then lets their promise callbacks run. */
async function advance(t: TestContext, ms: number): Promise<void> {
  t.mock.timers.tick(ms);
  await settle();
}

/** A call whose every attempt the test records, and which fails with `failures` in turn, then answers 'ok'. */
function scripted(failures: readonly unknown[]) {
  const attempts: { at: number; attempt: number; signal: AbortSignal }[] = [];
  const call = async (signal: AbortSignal, attempt: number): Promise<string> => {
    attempts.push({ at: Date.now(), attempt, signal });
    const failure = failures[attempts.length - 1];
    if (failure !== undefined) throw failure;
    return 'ok';
  };
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

test('full jitter: the n-th retry waits a whole number of ms in [0, min(max, base × 2^(n−1)))', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 5_000 }),
      fc.integer({ min: 0, max: 60_000 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (retry, baseDelayMs, extra, random) => {
        const maxDelayMs = baseDelayMs + extra;
        const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
        const delay = fullJitterDelayMs(retry, baseDelayMs, maxDelayMs, () => random);
        assert.ok(Number.isInteger(delay));
        assert.ok(delay >= 0);
        assert.ok(ceiling === 0 ? delay === 0 : delay < ceiling, `${delay} within [0, ${ceiling})`);
      },
    ),
  );
});

test('retries sleep exactly the seeded jittered delays, growing with the attempt', async (t) => {
  useFakeTime(t);
  const draws = [0.5, 0.75];
  const policy = createPolicy({
    ...base,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    random: () => draws.shift() ?? assert.fail('more draws than retries'),
  });
  const { attempts, call } = scripted([new HttpFailure(503), new HttpFailure(503)]);
  const result = policy.execute({ deadline: start + 5_000 }, call, classify);
  await settle();
  assert.equal(attempts.length, 1);
  await advance(t, 49); // first retry: floor(0.5 × 100) = 50 ms
  assert.equal(attempts.length, 1);
  await advance(t, 1);
  assert.equal(attempts.length, 2);
  await advance(t, 149); // second retry: floor(0.75 × 200) = 150 ms
  assert.equal(attempts.length, 2);
  await advance(t, 1);
  assert.equal(await result, 'ok');
  assert.deepEqual(
    attempts.map(({ at, attempt }) => [at - start, attempt]),
    [
      [0, 1],
      [50, 2],
      [200, 3],
    ],
  );
  assert.equal(policy.stats().retries, 2);
});

test('a Retry-After the failure carries is waited for even when the jitter says less', async (t) => {
  useFakeTime(t);
  const policy = createPolicy({ ...base, retry: { baseDelayMs: 10, maxDelayMs: 10 }, random: () => 0 });
  const { attempts, call } = scripted([new HttpFailure(429, 700)]);
  const result = policy.execute({ deadline: start + 5_000 }, call, classify);
  await settle();
  await advance(t, 699);
  assert.equal(attempts.length, 1);
  await advance(t, 1);
  assert.equal(await result, 'ok');
  assert.equal(attempts[1]?.at, start + 700);
});

test('a failure that is not retryable is attempted once and rethrown as it is', async () => {
  const policy = createPolicy(base);
  const badRequest = new HttpFailure(400);
  const { attempts, call } = scripted([badRequest]);
  await assert.rejects(
    policy.execute({ deadline: Date.now() + 5_000 }, call, classify),
    (error) => error === badRequest,
  );
  assert.equal(attempts.length, 1);
  assert.deepEqual(policy.stats().rejections.attempts_exhausted, 0);
});

test('at most maxAttempts attempts, then attempts_exhausted with the last failure as cause', async () => {
  const policy = createPolicy(base);
  const last = new HttpFailure(503, 2_000);
  const { attempts, call } = scripted([new HttpFailure(500), new HttpFailure(502), last, new HttpFailure(500)]);
  const rejected = await rejection(policy.execute({ deadline: Date.now() + 60_000 }, call, classify));
  assert.equal(rejected.reason, 'attempts_exhausted');
  assert.equal(rejected.cause, last);
  assert.equal(rejected.retryAfterMs, 2_000, "the dependency's Retry-After, for the 503 the service answers");
  assert.deepEqual(
    attempts.map((a) => a.attempt),
    [1, 2, 3],
  );
});

test('property: never more than 3 attempts, and none after a failure that is not retryable', async () => {
  const failure = fc.constantFrom(
    new HttpFailure(500),
    new HttpFailure(429),
    new HttpFailure(400),
    new HttpFailure(404),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(failure, { maxLength: 6 }),
      fc.integer({ min: 1, max: 3 }),
      async (failures, maxAttempts) => {
        const policy = createPolicy({ ...base, retry: { maxAttempts, baseDelayMs: 0, maxDelayMs: 0 } });
        const { attempts, call } = scripted(failures);
        await policy.execute({ deadline: Date.now() + 60_000 }, call, classify).catch(() => undefined);
        const firstPermanent = failures.findIndex((f) => f.status < 429 || (f.status > 429 && f.status < 500));
        const limit = Math.min(maxAttempts, firstPermanent === -1 ? failures.length + 1 : firstPermanent + 1);
        assert.equal(attempts.length, limit);
      },
    ),
  );
});

test('a call that is not safe to repeat (retry: false) is attempted once', async () => {
  const policy = createPolicy(base);
  const { attempts, call } = scripted([new HttpFailure(503)]);
  const rejected = await rejection(policy.execute({ deadline: Date.now() + 5_000 }, call, classify, { retry: false }));
  assert.equal(rejected.reason, 'attempts_exhausted');
  assert.equal(attempts.length, 1);
});

test('a backoff that would end past the deadline is not slept: deadline_exceeded at once', async (t) => {
  useFakeTime(t);
  const policy = createPolicy({ ...base, retry: { baseDelayMs: 1_000, maxDelayMs: 1_000 }, random: () => 0.99 });
  const failure = new HttpFailure(503);
  const { attempts, call } = scripted([failure]);
  // 990 ms of backoff, but only 500 − 10 (margin) ms left: rejected without the clock moving.
  const rejected = await rejection(policy.execute({ deadline: start + 500 }, call, classify));
  assert.equal(rejected.reason, 'deadline_exceeded');
  assert.equal(rejected.cause, failure);
  assert.equal(attempts.length, 1);
  assert.equal(Date.now(), start);
});

test('a Retry-After longer than the time left ends the call at once as attempts_exhausted with it', async (t) => {
  useFakeTime(t);
  const policy = createPolicy(base);
  const { attempts, call } = scripted([new HttpFailure(429, 30_000)]);
  const rejected = await rejection(policy.execute({ deadline: start + 2_000 }, call, classify));
  assert.equal(rejected.reason, 'attempts_exhausted');
  assert.equal(rejected.retryAfterMs, 30_000);
  assert.equal(attempts.length, 1);
});

test('retry budget: under 100% failure, retries stay within ratio × calls + floor per window', async (t) => {
  useFakeTime(t);
  const windowMs = 10_000;
  // floor: 0.5/s × 10 s = 5 retries per window.
  const policy = createPolicy({ ...base, retryBudget: { ratio: 0.1, minRetriesPerSecond: 0.5, windowMs } });
  let attempts = 0;
  const failing = async (): Promise<never> => {
    attempts++;
    throw new HttpFailure(503);
  };
  const primaries = 200;
  for (let window = 0; window < 3; window++) {
    for (let i = 0; i < primaries; i++) {
      await policy.execute({ deadline: Date.now() + 5_000 }, failing, classify).catch(() => undefined);
      // Spread the calls over the window, as traffic would be.
      t.mock.timers.tick(windowMs / primaries);
    }
  }
  const retries = attempts - 3 * primaries;
  assert.equal(policy.stats().retries, retries);
  // Finagle's bound, per window: 0.1 × 200 + 5 = 25. Without a budget: 2 × 600 = 1 200.
  assert.ok(retries <= 3 * (0.1 * primaries + 5), `${retries} retries for ${3 * primaries} calls`);
  assert.ok(retries >= 3 * 0.1 * primaries, 'the budget is spent, not hoarded');
  assert.ok(attempts <= 1.1 * 3 * primaries + 3 * 5);
  assert.equal(policy.stats().rejections.retry_budget_exhausted + policy.stats().rejections.attempts_exhausted, 600);
});

test('retry budget: a retry needs ratio × calls + floor above the retries already taken', () => {
  const budget = new RetryBudget(0.1, 0, 1_000);
  const now = start;
  for (let i = 0; i < 20; i++) budget.recordCall(now);
  assert.equal(budget.tryRetry(now), true);
  assert.equal(budget.tryRetry(now), true);
  assert.equal(budget.tryRetry(now), false, '2 retries for 20 calls at 10%');
  // A window later both the calls and the retries are forgotten.
  assert.equal(budget.tryRetry(now + 1_000), false, 'no calls, no floor: no retry');
  assert.equal(new RetryBudget(0.1, 1, 1_000).tryRetry(now), true, 'the floor allows a retry with no calls');
});

test('PolicyRejection carries a reason, the dependency and a rounded-up retryAfterMs', () => {
  const rejected = new PolicyRejection('circuit_open', 'psp', { retryAfterMs: 1_234.2 });
  assert.equal(rejected.name, 'PolicyRejection');
  assert.equal(rejected.dependency, 'psp');
  assert.equal(rejected.retryAfterMs, 1_235);
  assert.ok(rejected instanceof Error);
});

test('createPolicy names every invalid field at once', () => {
  assert.throws(
    () =>
      createPolicy({
        ...base,
        name: 'Payment Provider',
        retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10 },
        breaker: { ...base.breaker, failureRatio: 0 },
      }),
    (error: unknown) =>
      error instanceof RangeError &&
      ['name', 'retry.maxAttempts', 'retry.maxDelayMs', 'breaker.failureRatio'].every((field) =>
        error.message.includes(field),
      ),
  );
});
