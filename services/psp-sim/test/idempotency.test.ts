import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiKey, ledger, postForm, putFaults, startSim, stats, uniqueKey, visaPayment, waitFor } from './support.ts';

describe('psp-sim Idempotency-Key (Stripe semantics)', () => {
  it('replays the original answer byte for byte, with Idempotent-Replayed and Original-Request', async (t) => {
    const sim = await startSim(t);
    const key = uniqueKey('bytes');
    const first = await postForm(
      sim,
      '/v1/payment_intents',
      { ...visaPayment, 'metadata[keelson_payment_id]': 'pay_1' },
      { 'idempotency-key': key },
    );
    // The same parameters in another order are the same request.
    const second = await postForm(
      sim,
      '/v1/payment_intents',
      { 'metadata[keelson_payment_id]': 'pay_1', ...visaPayment },
      { 'idempotency-key': key },
    );
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(second.text, first.text);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.headers.get('original-request'), first.headers.get('request-id'));
    assert.equal(second.headers.get('idempotency-key'), key);
    assert.notEqual(second.headers.get('request-id'), first.headers.get('request-id'));
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('replays a decline as the same 402 and never creates a second PaymentIntent', async (t) => {
    const sim = await startSim(t);
    const key = uniqueKey('decline');
    const form = { ...visaPayment, payment_method: 'pm_card_chargeDeclinedInsufficientFunds' };
    const first = await postForm(sim, '/v1/payment_intents', form, { 'idempotency-key': key });
    const second = await postForm(sim, '/v1/payment_intents', form, { 'idempotency-key': key });
    assert.equal(first.status, 402);
    assert.deepEqual([second.status, second.text], [402, first.text]);
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('stores nothing for requests rejected before the endpoint runs', async (t) => {
    const sim = await startSim(t);
    const key = uniqueKey('validation');
    const invalid = await postForm(
      sim,
      '/v1/payment_intents',
      { ...visaPayment, amount: 'lots' },
      { 'idempotency-key': key },
    );
    assert.equal(invalid.status, 400);
    assert.equal((invalid.json.error as { code?: string }).code, 'parameter_invalid_integer');
    // Nothing was stored, so the key is free for a valid request with other parameters.
    const valid = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
    assert.equal(valid.status, 200);
    assert.equal(valid.headers.get('idempotent-replayed'), null);
  });

  it('keys are per API key', async (t) => {
    const sim = await startSim(t);
    const key = uniqueKey('scope');
    const mine = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
    const theirs = await postForm(sim, '/v1/payment_intents', visaPayment, {
      'idempotency-key': key,
      authorization: `Bearer ${apiKey}_other_account`,
    });
    assert.notEqual(theirs.json.id, mine.json.id);
    assert.equal((await ledger(sim)).payment_intents.length, 2);
  });

  it('a duplicate that arrives while the first is in flight gets 409 idempotency_key_in_use, and nothing runs twice', async (t) => {
    const sim = await startSim(t);
    // The first request holds its key through the latency, as a slow card network would.
    await putFaults(sim, [{ kind: 'latency', probability: 1, ms: 1_500 }]);
    const key = uniqueKey('in-flight');
    const first = postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
    await waitFor(
      () => stats(sim),
      (s) => s.idempotency_keys_in_flight === 1,
      'the first request to hold its key',
    );
    const duplicate = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
    assert.equal(duplicate.status, 409);
    assert.deepEqual(
      [(duplicate.json.error as { type?: string }).type, (duplicate.json.error as { code?: string }).code],
      ['idempotency_error', 'idempotency_key_in_use'],
    );
    const original = await first;
    assert.equal(original.status, 200);
    await putFaults(sim, []);
    const retried = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': key });
    assert.equal(retried.text, original.text, 'the 409 stored nothing; the retry replays the original');
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('concurrent partial refunds never exceed the capture', async (t) => {
    const sim = await startSim(t);
    const payment = await postForm(sim, '/v1/payment_intents', { ...visaPayment, amount: '1000' });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postForm(
          sim,
          '/v1/refunds',
          { payment_intent: String(payment.json.id), amount: '150' },
          { 'idempotency-key': uniqueKey(`refund-${i}`) },
        ),
      ),
    );
    assert.equal(answers.filter((a) => a.status === 200).length, 6);
    assert.ok(answers.filter((a) => a.status !== 200).every((a) => a.status === 400));
    const book = await ledger(sim);
    assert.equal(book.payment_intents[0]?.amount_refunded, 900);
    assert.equal(
      book.refunds.reduce((sum, r) => sum + r.amount, 0),
      900,
    );
  });

  it('an over-long key is a 400 idempotency_error', async (t) => {
    const sim = await startSim(t);
    const answer = await postForm(sim, '/v1/payment_intents', visaPayment, { 'idempotency-key': 'k'.repeat(256) });
    assert.equal(answer.status, 400);
    assert.equal((answer.json.error as { type?: string }).type, 'idempotency_error');
  });
});
