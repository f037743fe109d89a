import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { retryAfterMsOf } from '@keelson/kit/resilience';
import {
  assertUnavailable,
  charge,
  clientFor,
  putFaults,
  quantile,
  rejectionOf,
  rejectionReason,
  requestsTo,
  startSim,
  stats,
  within,
} from './support.ts';

const createIntent = 'POST /v1/payment_intents';

describe('psp client: circuit breaker and retry budget', () => {
  const volume = 5;
  const probes = 2;
  const halfOpenAfterMs = 1_000;

  it('opens after the configured volume, answers 503 fast with 0 provider calls while open, admits exactly the probes, closes', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url, {
      policy: {
        retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, // one attempt per call: one breaker sample each
        breaker: {
          volumeThreshold: volume,
          failureRatio: 0.5,
          windowMs: 10_000,
          halfOpenAfterMs,
          halfOpenProbes: probes,
        },
      },
    });
    await putFaults(sim, [{ kind: 'http_500', probability: 1 }]);
    for (let i = 1; i <= volume; i++) {
      assert.equal(psp.policy.state, 'closed', `still closed before failure ${i}`);
      assertUnavailable(await rejectionOf(psp.charge(within(5_000), charge())));
    }
    assert.equal(psp.policy.state, 'open');
    assert.equal(requestsTo(await stats(sim), createIntent), volume);

    const timings: number[] = [];
    let last: unknown;
    for (let i = 0; i < 200; i++) {
      const startedAt = performance.now();
      last = await rejectionOf(psp.charge(within(5_000), charge()));
      timings.push(performance.now() - startedAt);
      assertUnavailable(last);
      assert.equal(rejectionReason(last), 'circuit_open');
    }
    const p99 = quantile(timings, 0.99);
    t.diagnostic(`open circuit: 200 calls, 503 p50 ${quantile(timings, 0.5).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`);
    assert.ok(p99 < 20, `p99 ${p99} ms`);
    assert.equal(requestsTo(await stats(sim), createIntent), volume, 'no call reached the provider while open');
    const retryAfterMs = retryAfterMsOf(last) ?? Number.NaN;
    assert.ok(retryAfterMs > 0 && retryAfterMs <= halfOpenAfterMs, `Retry-After ${retryAfterMs} ms`);

    // The provider is back but slow, so the probes are still in flight while the others arrive.
    await putFaults(sim, [{ kind: 'latency', probability: 1, ms: 100 }]);
    await sleep(retryAfterMs + 20); // the breaker's own Retry-After: when it said it would let probes through
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => psp.charge(within(5_000), charge())));
    const admitted = results.filter((result) => result.status === 'fulfilled');
    assert.equal(admitted.length, probes);
    assert.equal(
      requestsTo(await stats(sim), createIntent),
      volume + probes,
      'exactly the probes reached the provider',
    );
    for (const result of results) {
      if (result.status === 'rejected') assert.equal(rejectionReason(result.reason), 'circuit_open');
    }
    assert.equal(psp.policy.state, 'closed', 'every probe succeeded');
    assert.equal((await psp.charge(within(5_000), charge())).kind, 'succeeded');
  });

  it('a provider failing 100%: it receives at most 1.1 × the primary calls plus the floor', async (t) => {
    const sim = await startSim(t);
    const windowMs = 10_000;
    const minRetriesPerSecond = 1;
    const floor = (minRetriesPerSecond * windowMs) / 1_000;
    const psp = clientFor(sim.url, { policy: { retryBudget: { ratio: 0.1, minRetriesPerSecond, windowMs } } });
    await putFaults(sim, [{ kind: 'http_500', probability: 1 }]);
    const primary = 200;
    const reasons = new Map<string, number>();
    for (let i = 0; i < primary; i++) {
      const error = await rejectionOf(psp.charge(within(5_000), charge()));
      assertUnavailable(error);
      const reason = rejectionReason(error) ?? 'other';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const received = requestsTo(await stats(sim), createIntent);
    const bound = (primary * 11) / 10 + floor;
    t.diagnostic(
      `retry budget: ${primary} primary calls → provider received ${received} (bound ${bound}); ` +
        `rejections ${JSON.stringify(Object.fromEntries(reasons))}`,
    );
    assert.ok(received <= bound, `received ${received}`);
    assert.ok(received > primary, 'the budget still allowed some retries');
    assert.ok((reasons.get('retry_budget_exhausted') ?? 0) > 0);
  });
});
