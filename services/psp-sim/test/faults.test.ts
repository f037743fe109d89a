import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearFaults,
  get,
  ledger,
  postForm,
  putFaults,
  startSim,
  stats,
  uniqueKey,
  visaPayment,
  waitFor,
} from './support.ts';

/** The cause fetch wraps a network failure in (undici: TypeError('fetch failed', { cause })). */
async function networkFailure(request: Promise<unknown>): Promise<string> {
  const error = await request.then(
    () => assert.fail('expected the connection to fail'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof TypeError, String(error));
  const cause = error.cause as { code?: string; message?: string } | undefined; // undici's network error
  return cause?.code ?? cause?.message ?? 'unknown';
}

describe('psp-sim fault injection', () => {
  it('latency delays the answer by ms (+ jitter) and is counted', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'latency', probability: 1, ms: 150, jitter_ms: 20 }]);
    const startedAt = performance.now();
    const answer = await postForm(sim, '/v1/payment_intents', visaPayment);
    const elapsed = performance.now() - startedAt;
    assert.equal(answer.status, 200);
    assert.ok(elapsed >= 145, `answered after ${elapsed} ms`);
    assert.equal((await stats(sim)).faults.latency, 1);
  });

  for (const [kind, status, type] of [
    ['http_500', 500, 'api_error'],
    ['http_503', 503, 'api_error'],
    ['http_429', 429, 'invalid_request_error'],
  ] as const) {
    it(`${kind} answers ${status} in Stripe's error shape, records nothing and stores nothing under the key`, async (t) => {
      const sim = await startSim(t);
      await putFaults(sim, [{ kind, probability: 1 }]);
      const key = uniqueKey(kind);
      const failed = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
      assert.equal(failed.status, status);
      assert.equal((failed.json.error as { type?: string }).type, type);
      assert.equal(failed.headers.get('retry-after'), kind === 'http_429' ? '1' : null);
      assert.equal((await ledger(sim)).payment_intents.length, 0);

      await clearFaults(sim);
      const retried = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
      assert.equal(retried.status, 200, 'the retry executes: a fault before the endpoint stores no answer');
      assert.equal(retried.headers.get('idempotent-replayed'), null);
      assert.equal((await ledger(sim)).payment_intents.length, 1);
      assert.equal((await stats(sim)).requests['POST /v1/payment_intents'], 2);
    });
  }

  it('http_429 and http_503 send the configured Retry-After', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'http_429', probability: 1, retry_after: 7 }]);
    assert.equal((await get(sim, '/v1/payment_intents/pi_x')).headers.get('retry-after'), '7');
    await putFaults(sim, [{ kind: 'http_503', probability: 1, retry_after: 3 }]);
    assert.equal((await get(sim, '/v1/payment_intents/pi_x')).headers.get('retry-after'), '3');
  });

  it('hang never answers; the client giving up is seen and counted, and nothing is recorded', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'hang', probability: 1 }]);
    const controller = new AbortController();
    const pending = postForm(
      sim,
      '/v1/payment_intents',
      visaPayment,
      { 'idempotency-key': uniqueKey('hang') },
      controller.signal,
    );
    await waitFor(
      () => stats(sim),
      (s) => s.requests['POST /v1/payment_intents'] === 1,
      'the hung request to arrive',
    );
    assert.equal((await stats(sim)).client_aborts, 0);
    controller.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    const after = await waitFor(
      () => stats(sim),
      (s) => s.client_aborts === 1,
      'the simulator to see the client close',
    );
    assert.equal(after.faults.hang, 1);
    assert.equal((await ledger(sim)).payment_intents.length, 0);
  });

  it('close() does not wait for a hung request', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'hang', probability: 1 }]);
    const pending = postForm(sim, '/v1/payment_intents', visaPayment);
    await waitFor(
      () => stats(sim),
      (s) => s.requests['POST /v1/payment_intents'] === 1,
      'the hung request to arrive',
    );
    await sim.close();
    await networkFailure(pending);
  });

  it('reset destroys the connection before anything is recorded', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'reset', probability: 1 }]);
    await networkFailure(postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': uniqueKey('reset') }));
    assert.equal((await ledger(sim)).payment_intents.length, 0);
    const seen = await stats(sim);
    assert.equal(seen.requests['POST /v1/payment_intents'], 1);
    assert.equal(seen.faults.reset, 1);
    assert.equal(seen.client_aborts, 0, 'the simulator cut it, not the client');
  });

  it('lost_response records the payment and its answer, then cuts the connection; the retry replays it', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'lost_response', probability: 1 }]);
    const key = uniqueKey('lost');
    await networkFailure(postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key }));
    const recorded = (await ledger(sim)).payment_intents;
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.status, 'succeeded');

    await clearFaults(sim);
    const retried = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
    assert.equal(retried.status, 200);
    assert.equal(retried.headers.get('idempotent-replayed'), 'true');
    assert.equal(retried.json.id, recorded[0]?.id);
    assert.equal((await ledger(sim)).payment_intents.length, 1, 'one charge, however often it is retried');
  });

  it('a rule with path_prefix leaves other routes alone', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'http_500', probability: 1, path_prefix: '/v1/refunds' }]);
    const payment = await postForm(sim, '/v1/payment_intents', visaPayment);
    assert.equal(payment.status, 200);
    const refund = await postForm(sim, '/v1/refunds', { payment_intent: String(payment.json.id) });
    assert.equal(refund.status, 500);
    assert.deepEqual((await ledger(sim)).refunds, []);
  });

  it('with a seed, the same requests meet the same faults', async (t) => {
    const sim = await startSim(t);
    const rules = [{ kind: 'http_500', probability: 0.5 }] as const;
    async function run(): Promise<number[]> {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) statuses.push((await get(sim, '/v1/payment_intents/pi_missing')).status);
      return statuses;
    }
    await putFaults(sim, rules, 42);
    const first = await run();
    await putFaults(sim, rules, 42);
    const second = await run();
    assert.deepEqual(second, first);
    const failures = first.filter((status) => status === 500).length;
    assert.ok(failures > 5 && failures < 35, `${failures} of 40 failed at p=0.5`);
    assert.ok(first.every((status) => status === 500 || status === 404));
    await putFaults(sim, rules, 43);
    assert.notDeepEqual(await run(), first, 'another seed, another sequence');
  });

  it('probability 0 never fires and the control API and unknown routes are never faulted', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [
      { kind: 'reset', probability: 0 },
      { kind: 'http_500', probability: 1, path_prefix: '/sim' },
    ]);
    assert.equal((await postForm(sim, '/v1/payment_intents', visaPayment)).status, 200);
    assert.equal((await ledger(sim)).payment_intents.length, 1);
    assert.equal((await get(sim, '/v1/nothing_here')).status, 404);
  });
});

describe('psp-sim control API', () => {
  async function put(sim: { url: string }, body: unknown): Promise<{ status: number; message: string }> {
    const response = await fetch(`${sim.url}/sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await response.json()) as { error?: { message?: string } };
    return { status: response.status, message: json.error?.message ?? '' };
  }

  it('rejects bad rules with a 400 naming every problem, and keeps the old rules', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'latency', probability: 0.5, ms: 10 }]);
    const bad = await put(sim, {
      rules: [
        { kind: 'explode', probability: 1 },
        { kind: 'http_500', probability: 2 },
        { kind: 'latency', probability: 1 },
        { kind: 'http_500', probability: 1, ms: 5 },
        { kind: 'http_429', probability: 1, retry_after: -1 },
        { kind: 'reset', probability: 1, path_prefix: 'v1' },
        'nope',
      ],
      seed: 1.5,
      extra: true,
    });
    assert.equal(bad.status, 400);
    for (const expected of [
      'rules[0].kind',
      'rules[1].probability',
      'rules[2].ms',
      'rules[3].ms is not a field of http_500',
      'rules[4].retry_after',
      'rules[5].path_prefix',
      'rules[6] must be an object',
      'seed must be an integer',
      'unknown field "extra"',
    ]) {
      assert.ok(bad.message.includes(expected), `missing "${expected}" in: ${bad.message}`);
    }
    for (const body of ['{not json', '[]', { rules: 'all' }, {}]) {
      assert.equal((await put(sim, body)).status, 400, JSON.stringify(body));
    }
    const kept = (await (await fetch(`${sim.url}/sim/faults`)).json()) as { rules: unknown[] };
    assert.deepEqual(kept, { rules: [{ kind: 'latency', probability: 0.5, ms: 10 }], seed: null });
  });

  it('GET shows the rules, DELETE clears them; stats reset on DELETE', async (t) => {
    const sim = await startSim(t);
    await putFaults(sim, [{ kind: 'http_503', probability: 0.25, path_prefix: '/v1/refunds', retry_after: 2 }], 9);
    assert.deepEqual(await (await fetch(`${sim.url}/sim/faults`)).json(), {
      rules: [{ kind: 'http_503', probability: 0.25, path_prefix: '/v1/refunds', retry_after: 2 }],
      seed: 9,
    });
    assert.equal((await fetch(`${sim.url}/sim/faults`, { method: 'DELETE' })).status, 204);
    assert.deepEqual(await (await fetch(`${sim.url}/sim/faults`)).json(), { rules: [], seed: null });

    await get(sim, '/v1/payment_intents/pi_x');
    assert.equal((await stats(sim)).requests['GET /v1/payment_intents/:id'], 1);
    assert.equal((await fetch(`${sim.url}/sim/stats`, { method: 'DELETE' })).status, 204);
    assert.deepEqual(await stats(sim), { requests: {}, client_aborts: 0, faults: {}, idempotency_keys_in_flight: 0 });
  });
});
