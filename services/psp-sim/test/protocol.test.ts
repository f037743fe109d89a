import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { get, ledger, postForm, startSim, visaPayment } from './support.ts';

type ErrorJson = { error: { type: string; code?: string; param?: string; message: string } };

/** Stripe's wire protocol, below the SDK: authentication, form bodies, validation, unknown URLs. */
describe('psp-sim Stripe protocol', () => {
  it('answers 401 in Stripe’s shape without a key, with a live key and with a malformed header', async (t) => {
    const sim = await startSim(t);
    for (const authorization of [
      undefined,
      'Bearer sk_live_abcdefghijklmnop',
      'Bearer pk_test_123',
      'Token sk_test_x',
    ]) {
      const response = await fetch(`${sim.url}/v1/payment_intents`, {
        method: 'POST',
        headers: authorization === undefined ? {} : { authorization },
        body: new URLSearchParams(visaPayment),
      });
      assert.equal(response.status, 401, String(authorization));
      const body = (await response.json()) as ErrorJson;
      assert.equal(body.error.type, 'invalid_request_error');
      assert.ok(!body.error.message.includes('abcdefghijklmnop'), 'the key is redacted');
    }
    assert.equal((await ledger(sim)).payment_intents.length, 0);
  });

  it('accepts Basic auth with the key as user name (curl -u sk_test_…:)', async (t) => {
    const sim = await startSim(t);
    const basic = Buffer.from('sk_test_curl:').toString('base64');
    const answer = await postForm(sim, '/v1/payment_intents', visaPayment, { authorization: `Basic ${basic}` });
    assert.equal(answer.status, 200);
  });

  it('reads bracket notation (metadata[k], expand[]) and lowercases the currency', async (t) => {
    const sim = await startSim(t);
    const answer = await postForm(sim, '/v1/payment_intents', {
      ...visaPayment,
      currency: 'USD',
      'metadata[keelson_payment_id]': 'pay_42',
      'metadata[tenant]': 't_1',
      'expand[]': 'latest_charge',
      'automatic_payment_methods[enabled]': 'true',
      'automatic_payment_methods[allow_redirects]': 'never',
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.json.currency, 'usd');
    assert.deepEqual(answer.json.metadata, { keelson_payment_id: 'pay_42', tenant: 't_1' });
    assert.deepEqual((await ledger(sim)).payment_intents[0]?.metadata, { keelson_payment_id: 'pay_42', tenant: 't_1' });
  });

  const invalid: readonly [string, Record<string, string>, string | undefined, string][] = [
    ['missing amount', { currency: 'usd' }, 'parameter_missing', 'amount'],
    ['non-integer amount', { amount: '10.5', currency: 'usd' }, 'parameter_invalid_integer', 'amount'],
    ['zero amount', { amount: '0', currency: 'usd' }, 'amount_too_small', 'amount'],
    ['missing currency', { amount: '100' }, 'parameter_missing', 'currency'],
    ['bad currency', { amount: '100', currency: 'dollars' }, undefined, 'currency'],
    ['unknown parameter', { ...visaPayment, surprise: '1' }, 'parameter_unknown', 'surprise'],
    [
      'unknown nested parameter',
      { ...visaPayment, 'automatic_payment_methods[x]': '1' },
      'parameter_unknown',
      'automatic_payment_methods[x]',
    ],
    [
      'confirm without a payment method',
      { amount: '100', currency: 'usd', confirm: 'true' },
      'parameter_missing',
      'payment_method',
    ],
    ['bad boolean', { ...visaPayment, confirm: 'yes' }, undefined, 'confirm'],
    [
      'metadata key too long',
      { ...visaPayment, [`metadata[${'k'.repeat(41)}]`]: 'v' },
      undefined,
      `metadata[${'k'.repeat(41)}]`,
    ],
    ['manual capture', { ...visaPayment, capture_method: 'manual' }, undefined, 'capture_method'],
  ];
  for (const [name, form, code, param] of invalid) {
    it(`rejects ${name} with 400 invalid_request_error and records nothing`, async (t) => {
      const sim = await startSim(t);
      const answer = await postForm(sim, '/v1/payment_intents', form);
      assert.equal(answer.status, 400, answer.text);
      const { error } = answer.json as unknown as ErrorJson;
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.code, code);
      assert.equal(error.param, param);
      assert.equal((await ledger(sim)).payment_intents.length, 0);
    });
  }

  it('rejects malformed bracket keys and duplicates', async (t) => {
    const sim = await startSim(t);
    for (const body of [
      'amount=1&amount=2&currency=usd',
      'metadata[a=1',
      'a[b][c][d][e]=1',
      'metadata[a]=1&metadata[a][b]=2',
    ]) {
      const response = await fetch(`${sim.url}/v1/payment_intents`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_x', 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      assert.equal(response.status, 400, body);
      assert.equal(((await response.json()) as ErrorJson).error.type, 'invalid_request_error');
    }
  });

  it('a JSON body means no parameters, as on Stripe', async (t) => {
    const sim = await startSim(t);
    const response = await fetch(`${sim.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_x', 'content-type': 'application/json' },
      body: JSON.stringify(visaPayment),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as ErrorJson).error.code, 'parameter_missing');
  });

  it('answers unknown URLs with Stripe’s 404 and unknown query parameters with parameter_unknown', async (t) => {
    const sim = await startSim(t);
    const missing = await get(sim, '/v1/customers');
    assert.equal(missing.status, 404);
    assert.match(
      (missing.json as unknown as ErrorJson).error.message,
      /^Unrecognized request URL \(GET: \/v1\/customers\)/,
    );
    const unknown = await get(sim, '/v1/payment_intents/pi_x?foo=1');
    assert.equal(unknown.status, 400);
    assert.equal((unknown.json as unknown as ErrorJson).error.code, 'parameter_unknown');
    const expanded = await get(sim, '/v1/payment_intents/pi_x?expand[]=latest_charge');
    assert.equal(expanded.status, 404);
  });

  it('declines with authentication_required when off_session cannot authenticate', async (t) => {
    const sim = await startSim(t);
    const answer = await postForm(sim, '/v1/payment_intents', {
      ...visaPayment,
      payment_method: 'pm_card_authenticationRequired',
      off_session: 'true',
    });
    assert.equal(answer.status, 402);
    const error = answer.json.error as { code: string; payment_intent: { status: string } };
    assert.equal(error.code, 'authentication_required');
    assert.equal(error.payment_intent.status, 'requires_payment_method');
  });

  it('creates an unconfirmed PaymentIntent without confirm=true', async (t) => {
    const sim = await startSim(t);
    const answer = await postForm(sim, '/v1/payment_intents', {
      amount: '100',
      currency: 'usd',
      payment_method: 'pm_card_visa',
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.json.status, 'requires_confirmation');
    const bare = await postForm(sim, '/v1/payment_intents', { amount: '100', currency: 'usd' });
    assert.equal(bare.json.status, 'requires_payment_method');
  });
});
