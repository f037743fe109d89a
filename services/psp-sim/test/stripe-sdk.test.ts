import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { ledger, startSim, stripeFor, uniqueKey } from './support.ts';

/**
 * Compatibility proof: Stripe's official Node SDK, which nobody here wrote, must accept every
 * answer the simulator gives and turn its errors into the SDK's own error classes.
 */
describe('psp-sim through the official stripe SDK', () => {
  async function setup(t: import('node:test').TestContext) {
    const sim = await startSim(t);
    return { sim, stripe: stripeFor(sim) };
  }

  it('creates and confirms a PaymentIntent with each brand token', async (t) => {
    const { sim, stripe } = await setup(t);
    for (const token of ['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex', 'pm_card_discover', 'pm_card_jcb']) {
      const intent = await stripe.paymentIntents.create({
        amount: 2000,
        currency: 'eur',
        payment_method: token,
        confirm: true,
        metadata: { keelson_payment_id: `pay_${token}` },
      });
      assert.equal(intent.object, 'payment_intent');
      assert.match(intent.id, /^pi_[A-Za-z0-9]{24}$/);
      assert.equal(intent.status, 'succeeded', token);
      assert.equal(intent.amount_received, 2000);
      assert.equal(intent.currency, 'eur');
      assert.equal(intent.livemode, false);
      assert.match(String(intent.latest_charge), /^ch_/);
      assert.match(String(intent.payment_method), /^pm_/);
      assert.deepEqual(intent.metadata, { keelson_payment_id: `pay_${token}` });
      assert.equal(intent.last_payment_error, null);
    }
    const recorded = await ledger(sim);
    assert.equal(recorded.payment_intents.length, 5);
    assert.ok(recorded.payment_intents.every((pi) => pi.status === 'succeeded' && pi.amount_refunded === 0));
  });

  const declines = [
    { token: 'pm_card_chargeDeclined', code: 'card_declined', declineCode: 'generic_decline' },
    { token: 'pm_card_chargeDeclinedInsufficientFunds', code: 'card_declined', declineCode: 'insufficient_funds' },
    { token: 'pm_card_chargeDeclinedExpiredCard', code: 'expired_card', declineCode: 'expired_card' },
  ];
  for (const { token, code, declineCode } of declines) {
    it(`declines ${token} with a StripeCardError (${code}/${declineCode}) and records the PaymentIntent`, async (t) => {
      const { sim, stripe } = await setup(t);
      const error = await stripe.paymentIntents
        .create({ amount: 990, currency: 'usd', payment_method: token, confirm: true, metadata: { k: 'v' } })
        .then(
          () => assert.fail('expected a decline'),
          (caught: unknown) => caught,
        );
      assert.ok(error instanceof Stripe.errors.StripeCardError, String(error));
      assert.equal(error.statusCode, 402);
      assert.equal(error.type, 'StripeCardError');
      assert.equal(error.code, code);
      assert.equal(error.decline_code, declineCode);
      assert.ok(error.message.length > 0);
      const intent = error.payment_intent;
      assert.ok(intent !== undefined);
      assert.equal(intent.status, 'requires_payment_method');
      assert.equal(intent.last_payment_error?.code, code);
      assert.equal(intent.last_payment_error?.decline_code, declineCode);
      assert.equal(intent.payment_method, null);

      const retrieved = await stripe.paymentIntents.retrieve(intent.id);
      assert.equal(retrieved.status, 'requires_payment_method');
      assert.equal(retrieved.last_payment_error?.decline_code, declineCode);
      assert.deepEqual(
        (await ledger(sim)).payment_intents.map((pi) => [pi.id, pi.status, pi.amount_refunded]),
        [[intent.id, 'requires_payment_method', 0]],
      );
    });
  }

  it('answers requires_action with a next_action for pm_card_authenticationRequired', async (t) => {
    const { stripe } = await setup(t);
    const intent = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    });
    assert.equal(intent.status, 'requires_action');
    assert.equal(intent.next_action?.type, 'use_stripe_sdk');
    assert.equal(intent.amount_received, 0);
    assert.equal(intent.latest_charge, null);
  });

  it('turns an unknown payment method into a StripeInvalidRequestError (resource_missing) and records nothing', async (t) => {
    const { sim, stripe } = await setup(t);
    const error = await stripe.paymentIntents
      .create({ amount: 100, currency: 'usd', payment_method: 'pm_card_nonsense', confirm: true })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, String(error));
    assert.equal(error.statusCode, 400);
    assert.equal(error.code, 'resource_missing');
    assert.equal(error.param, 'payment_method');
    assert.equal((await ledger(sim)).payment_intents.length, 0);
  });

  it('replays the same Idempotency-Key and parameters as the original PaymentIntent', async (t) => {
    const { sim, stripe } = await setup(t);
    const idempotencyKey = uniqueKey('sdk-replay');
    const params = { amount: 1234, currency: 'usd', payment_method: 'pm_card_visa', confirm: true };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey });
    const second = await stripe.paymentIntents.create(params, { idempotencyKey });
    assert.equal(second.id, first.id);
    assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
    assert.equal(first.lastResponse.headers['idempotent-replayed'], undefined);
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('refuses a reused key with other parameters as a StripeIdempotencyError', async (t) => {
    const { sim, stripe } = await setup(t);
    const idempotencyKey = uniqueKey('sdk-reuse');
    await stripe.paymentIntents.create(
      { amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true },
      { idempotencyKey },
    );
    const error = await stripe.paymentIntents
      .create({ amount: 200, currency: 'usd', payment_method: 'pm_card_visa', confirm: true }, { idempotencyKey })
      .catch((caught: unknown) => caught);
    assert.ok(error instanceof Stripe.errors.StripeIdempotencyError, String(error));
    assert.equal(error.statusCode, 400);
    assert.equal(error.rawType, 'idempotency_error');
    const onOtherEndpoint = await stripe.refunds
      .create({ payment_intent: 'pi_x' }, { idempotencyKey })
      .catch((caught: unknown) => caught);
    assert.ok(onOtherEndpoint instanceof Stripe.errors.StripeIdempotencyError, String(onOtherEndpoint));
    assert.equal((await ledger(sim)).payment_intents.length, 1);
  });

  it('refunds partially, then the rest, and refuses anything beyond the capture', async (t) => {
    const { sim, stripe } = await setup(t);
    const intent = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const partial = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 400,
      reason: 'requested_by_customer',
    });
    assert.equal(partial.object, 'refund');
    assert.equal(partial.amount, 400);
    assert.equal(partial.status, 'succeeded');
    assert.equal(partial.payment_intent, intent.id);
    assert.equal(partial.currency, 'usd');
    assert.equal(partial.reason, 'requested_by_customer');

    const tooMuch = await stripe.refunds
      .create({ payment_intent: intent.id, amount: 601 })
      .catch((caught: unknown) => caught);
    assert.ok(tooMuch instanceof Stripe.errors.StripeInvalidRequestError, String(tooMuch));
    assert.equal(tooMuch.code, 'amount_too_large');
    assert.equal(tooMuch.param, 'amount');

    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    assert.equal(rest.amount, 600);
    const again = await stripe.refunds.create({ payment_intent: intent.id }).catch((caught: unknown) => caught);
    assert.ok(again instanceof Stripe.errors.StripeInvalidRequestError, String(again));
    assert.equal(again.code, 'charge_already_refunded');

    assert.deepEqual(await stripe.refunds.retrieve(partial.id).then((r) => [r.id, r.amount]), [partial.id, 400]);
    const book = await ledger(sim);
    assert.equal(book.payment_intents[0]?.amount_refunded, 1000);
    assert.deepEqual(
      book.refunds.map((r) => [r.payment_intent, r.amount, r.status]),
      [
        [intent.id, 400, 'succeeded'],
        [intent.id, 600, 'succeeded'],
      ],
    );
  });

  it('refuses refunds of a declined PaymentIntent and of an unknown one', async (t) => {
    const { stripe } = await setup(t);
    const declined = await stripe.paymentIntents
      .create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true })
      .catch((caught: unknown) =>
        caught instanceof Stripe.errors.StripeCardError ? caught.payment_intent : undefined,
      );
    assert.ok(declined !== undefined);
    const notCaptured = await stripe.refunds.create({ payment_intent: declined.id }).catch((caught: unknown) => caught);
    assert.ok(notCaptured instanceof Stripe.errors.StripeInvalidRequestError, String(notCaptured));
    const missing = await stripe.refunds.create({ payment_intent: 'pi_missing' }).catch((caught: unknown) => caught);
    assert.ok(missing instanceof Stripe.errors.StripeInvalidRequestError, String(missing));
    assert.equal(missing.code, 'resource_missing');
  });

  it('retrieves both objects, and answers 404 resource_missing for unknown ids', async (t) => {
    const { stripe } = await setup(t);
    const intent = await stripe.paymentIntents.create({
      amount: 700,
      currency: 'gbp',
      payment_method: 'pm_card_visa',
      confirm: true,
      metadata: { keelson_payment_id: 'pay_retrieve' },
    });
    const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 100 });
    const gotIntent = await stripe.paymentIntents.retrieve(intent.id);
    assert.deepEqual({ ...gotIntent, lastResponse: undefined }, { ...intent, lastResponse: undefined });
    const gotRefund = await stripe.refunds.retrieve(refund.id);
    assert.deepEqual({ ...gotRefund, lastResponse: undefined }, { ...refund, lastResponse: undefined });
    for (const lookup of [() => stripe.paymentIntents.retrieve('pi_nope'), () => stripe.refunds.retrieve('re_nope')]) {
      const error = await lookup().catch((caught: unknown) => caught);
      assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError, String(error));
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, 'resource_missing');
    }
  });

  it('rejects a key that is not a test secret key with a StripeAuthenticationError', async (t) => {
    const { sim } = await setup(t);
    const { hostname, port } = new URL(sim.url);
    const live = new Stripe('sk_live_not_accepted_here', {
      host: hostname,
      port: Number(port),
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const error = await live.paymentIntents.retrieve('pi_x').catch((caught: unknown) => caught);
    assert.ok(error instanceof Stripe.errors.StripeAuthenticationError, String(error));
    assert.equal(error.statusCode, 401);
  });
});
