import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { AppError } from '../src/errors/index.ts';
import {
  type Classify,
  createPolicy,
  isPolicyRejection,
  outcomes,
  type PolicyConfig,
  PolicyRejection,
  rejectionToAppError,
  retryAfterMsOf,
} from '../src/resilience/index.ts';

const classify: Classify = (error) =>
  error instanceof Error && error.message === 'not found' ? outcomes.permanent : outcomes.transient();

const base: PolicyConfig = {
  name: 'dep',
  timeout: { marginMs: 0 },
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

/** Reads the test answers one by one. */
function parked() {
  const attempts: {
    attempt: number;
    signal: AbortSignal;
    resolve: (v: string) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const call = (signal: AbortSignal, attempt: number): Promise<string> =>
    new Promise((resolve, reject) => {
      attempts.push({ attempt, signal, resolve, reject });
    });
  return { attempts, call };
}

test('hedge: a second attempt starts after afterMs; the first success wins and the loser is aborted', async (t) => {
  useFakeTime(t);
  const policy = createPolicy(base);
  const { attempts, call } = parked();
  const result = policy.hedge({ deadline: start + 5_000 }, call, classify, { afterMs: 50 });
  await settle();
  t.mock.timers.tick(49);
  assert.equal(attempts.length, 1);
  t.mock.timers.tick(1);
  await settle();
  assert.equal(attempts.length, 2);
  attempts[1]?.resolve('from the hedge');
  assert.equal(await result, 'from the hedge');
  assert.equal(attempts[0]?.signal.aborted, true, 'the slower attempt is aborted');
  assert.equal(attempts[1]?.signal.aborted, false);
  assert.equal(policy.stats().hedges, 1);
  assert.equal(policy.stats().calls.cancelled, 1);
});

test('hedge: an answer before afterMs starts nothing else', async (t) => {
  useFakeTime(t);
  const policy = createPolicy(base);
  const { attempts, call } = parked();
  const result = policy.hedge({ deadline: start + 5_000 }, call, classify, { afterMs: 50 });
  await settle();
  t.mock.timers.tick(30);
  attempts[0]?.resolve('fast');
  assert.equal(await result, 'fast');
  t.mock.timers.tick(1_000);
  await settle();
  assert.equal(attempts.length, 1);
  assert.equal(policy.stats().hedges, 0);
});

test('hedge: a retryable failure starts the extra attempt at once; a permanent one ends the read', async (t) => {
  useFakeTime(t);
  const policy = createPolicy(base);
  const { attempts, call } = parked();
  const result = policy.hedge({ deadline: start + 5_000 }, call, classify, { afterMs: 500 });
  await settle();
  attempts[0]?.reject(new Error('reset'));
  await settle();
  assert.equal(attempts.length, 2, 'no need to wait for afterMs');
  attempts[1]?.resolve('second');
  assert.equal(await result, 'second');

  const notFound = new Error('not found');
  const read = policy.hedge({ deadline: start + 5_000 }, call, classify, { afterMs: 500 });
  await settle();
  attempts[2]?.reject(notFound);
  await assert.rejects(read, (error) => error === notFound);
  assert.equal(attempts.length, 3);
});

test('hedge: both attempts failing is attempts_exhausted; the deadline is deadline_exceeded', async (t) => {
  useFakeTime(t);
  const policy = createPolicy(base);
  const { attempts, call } = parked();
  const both = policy.hedge({ deadline: start + 5_000 }, call, classify, { afterMs: 50 });
  await settle();
  t.mock.timers.tick(50);
  await settle();
  attempts[0]?.reject(new Error('reset'));
  attempts[1]?.reject(new Error('reset again'));
  await assert.rejects(both, (error) => isPolicyRejection(error) && error.reason === 'attempts_exhausted');

  const late = policy.hedge({ deadline: Date.now() + 200 }, call, classify, { afterMs: 50 });
  await settle();
  t.mock.timers.tick(50);
  await settle();
  t.mock.timers.tick(150);
  await assert.rejects(late, (error) => isPolicyRejection(error) && error.reason === 'deadline_exceeded');
  assert.ok(attempts.slice(2).every((a) => a.signal.aborted));
});

test('hedge: no extra attempt when the retry budget is spent', async (t) => {
  useFakeTime(t);
  const policy = createPolicy({ ...base, retryBudget: { ratio: 0, minRetriesPerSecond: 0, windowMs: 10_000 } });
  const { attempts, call } = parked();
  const result = policy.hedge({ deadline: start + 5_000 }, call, classify, { afterMs: 50 });
  await settle();
  t.mock.timers.tick(100);
  await settle();
  assert.equal(attempts.length, 1);
  attempts[0]?.resolve('only');
  assert.equal(await result, 'only');
});

test('rejectionToAppError: deadline → deadline_exceeded; every other reason → unavailable with the given code', () => {
  const cases = [
    ['circuit_open', 'unavailable', 'payment_provider_unavailable'],
    ['bulkhead_full', 'unavailable', 'payment_provider_unavailable'],
    ['retry_budget_exhausted', 'unavailable', 'payment_provider_unavailable'],
    ['attempts_exhausted', 'unavailable', 'payment_provider_unavailable'],
    ['deadline_exceeded', 'deadline_exceeded', 'deadline_exceeded'],
  ] as const;
  for (const [reason, kind, code] of cases) {
    const rejection = new PolicyRejection(reason, 'psp', { retryAfterMs: 3_000 });
    const error = rejectionToAppError(rejection, 'payment_provider_unavailable');
    assert.ok(error instanceof AppError);
    assert.deepEqual([error.kind, error.code, error.cause], [kind, code, rejection]);
    assert.ok(!error.message.includes('psp'), 'the message names no dependency');
    assert.equal(retryAfterMsOf(error), 3_000);
  }
  assert.equal(retryAfterMsOf(new Error('plain')), undefined);
});

test("hedge in half-open: the loser's abort is no failed probe, the winner closes the circuit", async (t) => {
  useFakeTime(t);
  const policy = createPolicy({
    ...base,
    breaker: { volumeThreshold: 1, failureRatio: 1, windowMs: 10_000, halfOpenAfterMs: 1_000, halfOpenProbes: 2 },
  });
  await policy
    .execute({ deadline: start + 5_000 }, async () => Promise.reject(new Error('reset')), classify, { retry: false })
    .catch(() => undefined);
  assert.equal(policy.state, 'open');
  t.mock.timers.tick(1_000);
  const { attempts, call } = parked();
  const result = policy.hedge({ deadline: Date.now() + 5_000 }, call, classify, { afterMs: 50 });
  await settle();
  t.mock.timers.tick(50);
  await settle();
  assert.equal(attempts.length, 2, 'both attempts are probes');
  attempts[1]?.resolve('probe two');
  assert.equal(await result, 'probe two');
  await settle();
  assert.equal(policy.state, 'closed');
});
