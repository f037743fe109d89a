import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outcomes } from '@keelson/kit/resilience';
import { ResponseTooLargeError } from '../../src/adapters/psp/capped-body.ts';
import { encodeForm } from '../../src/adapters/psp/form-encoding.ts';
import {
  classifyPspFailure,
  ProviderNetworkError,
  ProviderProtocolError,
} from '../../src/adapters/psp/psp-failures.ts';
import { retryAfterMs, StripeApiError } from '../../src/adapters/psp/stripe-error.ts';

describe("Stripe's wire format", () => {
  it('encodes maps and lists in bracket notation and leaves undefined out', () => {
    const body = encodeForm({
      amount: 1500,
      confirm: true,
      currency: 'usd',
      description: undefined,
      metadata: { keelson_payment_id: 'pay_1', 'a&b': 'x=y' },
      expand: ['latest_charge'],
    });
    assert.equal(
      body,
      'amount=1500&confirm=true&currency=usd&metadata%5Bkeelson_payment_id%5D=pay_1&metadata%5Ba%26b%5D=x%3Dy&expand%5B%5D=latest_charge',
    );
    assert.deepEqual(
      [...new URLSearchParams(body)],
      [
        ['amount', '1500'],
        ['confirm', 'true'],
        ['currency', 'usd'],
        ['metadata[keelson_payment_id]', 'pay_1'],
        ['metadata[a&b]', 'x=y'],
        ['expand[]', 'latest_charge'],
      ],
    );
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores anything else', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    assert.equal(retryAfterMs('2', now), 2_000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
    assert.equal(retryAfterMs('Tue, 01 Dec 2026 12:00:05 GMT', now), 5_000);
    assert.equal(retryAfterMs('Tue, 01 Dec 2026 11:00:00 GMT', now), 0);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs('-1', now), undefined);
    assert.equal(retryAfterMs(null, now), undefined);
  });
});

describe('classifyPspFailure', () => {
  const answer = (status: number, headers: Record<string, string> = {}, type = 'api_error') =>
    new StripeApiError(status, { type, message: 'x' }, new Headers(headers));
  const transient = { retryable: true, tripsBreaker: true };
  const inFlight = { retryable: true, tripsBreaker: false };

  for (const [name, error, expected] of [
    ['no answer', new ProviderNetworkError('POST /v1/payment_intents', new TypeError('fetch failed')), transient],
    ['an answer over the cap', new ResponseTooLargeError(1024), transient],
    ['500', answer(500), transient],
    ['503 with Retry-After', answer(503, { 'retry-after': '3' }), { ...transient, retryAfterMs: 3_000 }],
    ['429 with Retry-After', answer(429, { 'retry-after': '1' }), { ...transient, retryAfterMs: 1_000 }],
    ['409 (our duplicate in flight)', answer(409, {}, 'idempotency_error'), inFlight],
    ['400 idempotency_error', answer(400, {}, 'idempotency_error'), outcomes.permanent],
    ['401', answer(401, {}, 'invalid_request_error'), outcomes.permanent],
    ['404', answer(404, {}, 'invalid_request_error'), outcomes.permanent],
    [
      '500 with Stripe-Should-Retry: false',
      answer(500, { 'stripe-should-retry': 'false' }),
      { retryable: false, tripsBreaker: true },
    ],
    ['400 with Stripe-Should-Retry: true', answer(400, { 'stripe-should-retry': 'true' }), inFlight],
    ['a redirect', new ProviderProtocolError('redirected'), outcomes.permanent],
    ['a bug of ours', new TypeError('undefined is not a function'), outcomes.permanent],
  ] as const) {
    it(`${name} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual({ ...classifyPspFailure(error) }, expected);
    });
  }
});
