import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@keelson/kit/errors';
import { retryAfterMsOf } from '@keelson/kit/resilience';
import {
  assertUnavailable,
  charge,
  clearFaults,
  clientFor,
  ledger,
  putFaults,
  rejectionOf,
  rejectionReason,
  requestsTo,
  startSim,
  stats,
  waitFor,
  within,
} from './support.ts';

const createIntent = 'POST /v1/payment_intents';

// Seeds for psp-sim's fault generator with one rule at probability 0.5 (one draw per request):
// seed 8 faults the first request and not the second; seed 7 the first two and not the third.
// Each test also asserts the fault counts, so a change of generator fails here, loudly.
const firstFaulted = 8;
const firstTwoFaulted = 7;
// With a latency rule (two draws when it fires), seed 7 delays the first request and not the second.
const firstDelayed = 7;

describe('psp client under provider faults', () => {
  it('http_500 then success: retried with the same key, one PaymentIntent', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'http_500', probability: 0.5 }], firstFaulted);
    const outcome = await clientFor(sim.url).charge(within(5_000), charge());
    const snapshot = await stats(sim);
    assert.equal(outcome.kind, 'succeeded');
    assert.equal(snapshot.faults.http_500, 1);
    assert.equal(requestsTo(snapshot, createIntent), 2);
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('http_503 twice then success: three attempts, one PaymentIntent', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'http_503', probability: 0.5 }], firstTwoFaulted);
    const outcome = await clientFor(sim.url).charge(within(5_000), charge());
    const snapshot = await stats(sim);
    assert.equal(outcome.kind, 'succeeded');
    assert.equal(snapshot.faults.http_503, 2);
    assert.equal(requestsTo(snapshot, createIntent), 3);
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('lost_response: the retry with the same key gets the original outcome, charged once', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'lost_response', probability: 0.5 }], firstFaulted);
    const request = charge();
    const outcome = await clientFor(sim.url).charge(within(5_000), request);
    const snapshot = await stats(sim);
    const intents = (await ledger(sim)).payment_intents;
    assert.equal(snapshot.faults.lost_response, 1);
    assert.equal(requestsTo(snapshot, createIntent), 2);
    assert.equal(intents.length, 1, 'the lost answer was recorded; the retry replayed it');
    assert.deepEqual(outcome, { kind: 'succeeded', providerPaymentId: intents[0]?.id });
    assert.equal(intents[0]?.metadata.keelson_payment_id, request.paymentId);
  });

  it('reset: retried, one PaymentIntent', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'reset', probability: 0.5 }], firstFaulted);
    const outcome = await clientFor(sim.url).charge(within(5_000), charge());
    const snapshot = await stats(sim);
    assert.equal(outcome.kind, 'succeeded');
    assert.equal(snapshot.faults.reset, 1);
    assert.equal(requestsTo(snapshot, createIntent), 2);
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('hang with a 200 ms deadline: 504 deadline_exceeded in < 250 ms, the request aborted, resolvable after', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    await putFaults(sim, [{ kind: 'hang', probability: 1 }]);
    const request = charge();
    const startedAt = performance.now();
    const error = await rejectionOf(psp.charge(within(200), request));
    const elapsedMs = performance.now() - startedAt;
    t.diagnostic(`hang → deadline_exceeded after ${elapsedMs.toFixed(1)} ms (deadline 200 ms, margin 10 ms)`);
    assert.ok(isAppError(error), String(error));
    assert.equal(error.kind, 'deadline_exceeded');
    assert.equal(error.code, 'deadline_exceeded');
    assert.ok(elapsedMs < 250, `answered after ${elapsedMs} ms`);
    await waitFor(
      () => stats(sim),
      (s) => s.client_aborts === 1,
      'the simulator to see the client abort',
    );
    assert.equal((await ledger(sim)).payment_intents.length, 0);

    await clearFaults(sim);
    assert.equal((await psp.charge(within(5_000), request)).kind, 'succeeded', 'the same key resolves it');
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('http_429 after retries: 503 payment_provider_unavailable with the provider Retry-After', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'http_429', probability: 1, retry_after: 1 }]);
    // Retry-After: 1 s fits once in a 1.5 s deadline: one honoured retry, then no time for another.
    const error = await rejectionOf(clientFor(sim.url).charge(within(1_500), charge()));
    assertUnavailable(error);
    assert.equal(rejectionReason(error), 'attempts_exhausted');
    assert.equal(retryAfterMsOf(error), 1_000);
    assert.equal(requestsTo(await stats(sim), createIntent), 2);
  });

  it('a duplicate still in flight (409) is retried until the original answers, without tripping the breaker', async (t) => {
    const sim = await startSim(t);
    // Full jitter at its ceiling: retries wait 300 ms, then 600 ms.
    const psp = clientFor(sim.url, { random: () => 0.999, policy: { retry: { baseDelayMs: 300, maxDelayMs: 1_000 } } });
    await putFaults(sim, [{ kind: 'latency', probability: 1, ms: 400 }]);
    const request = charge();
    const first = psp.charge(within(5_000), request);
    await waitFor(
      () => stats(sim),
      (s) => s.idempotency_keys_in_flight === 1,
      'the first request to hold its key',
    );
    const duplicate = await psp.charge(within(5_000), request);
    assert.deepEqual(duplicate, await first);
    assert.ok(requestsTo(await stats(sim), createIntent) >= 3, 'the duplicate met 409 at least once');
    assert.equal((await ledger(sim)).payment_intents.length, 1);
    assert.equal(psp.policy.stats().calls.failure, 0);
  });

  it('retrieveCharge is hedged: a slow first read is overtaken by a second, and the loser is aborted', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    const outcome = await psp.charge(within(5_000), charge(1500, 'pm_card_authenticationRequired'));
    assert.equal(outcome.kind, 'requires_action');
    await putFaults(sim, [{ kind: 'latency', probability: 0.5, ms: 2_000 }], firstDelayed);
    const startedAt = performance.now();
    const read = await psp.retrieveCharge(
      within(5_000),
      outcome.kind === 'requires_action' ? outcome.providerPaymentId : '',
    );
    const elapsedMs = performance.now() - startedAt;
    t.diagnostic(`hedged read answered after ${elapsedMs.toFixed(1)} ms (first read delayed 2 s, hedge after 200 ms)`);
    assert.equal(read?.status, 'requires_action');
    assert.ok(elapsedMs < 1_000, `answered after ${elapsedMs} ms`);
    assert.equal(psp.policy.stats().hedges, 1);
    const snapshot = await waitFor(
      () => stats(sim),
      (s) => s.client_aborts === 1,
      'the slow read to be aborted',
    );
    assert.equal(snapshot.faults.latency, 1);
    assert.equal(requestsTo(snapshot, 'GET /v1/payment_intents/:id'), 2);
  });

  it('bulkhead full: 503 payment_provider_unavailable at once, the provider never asked', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url, { policy: { bulkhead: { maxConcurrent: 1, maxQueue: 0 } } });
    await putFaults(sim, [{ kind: 'latency', probability: 1, ms: 200 }]);
    const running = psp.charge(within(5_000), charge());
    const error = await rejectionOf(psp.charge(within(5_000), charge()));
    assertUnavailable(error);
    assert.equal(rejectionReason(error), 'bulkhead_full');
    assert.equal((await running).kind, 'succeeded');
    assert.equal(requestsTo(await stats(sim), createIntent), 1);
  });
});
