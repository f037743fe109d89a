import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { get, startSim, stripeFor } from './support.ts';

// `expand[]=latest_charge` on a PaymentIntent read answers the Charge itself, where Stripe keeps
// the refunded amount: what a client reconciling refunds reads. Driven by Stripe's own SDK.
describe('psp-sim: GET /v1/payment_intents/{id} with expand[]=latest_charge', () => {
  it('answers the captured Charge, with what was refunded so far', async (t) => {
    const sim = await startSim(t);
    const stripe = stripeFor(sim);
    const intent = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: true,
      metadata: { keelson_payment_id: 'pay_expand' },
    });
    const chargeId = String(intent.latest_charge);
    const read = async (): Promise<Stripe.Charge> => {
      const expanded = await stripe.paymentIntents.retrieve(intent.id, { expand: ['latest_charge'] });
      const charge = expanded.latest_charge;
      assert.ok(charge !== null && typeof charge === 'object', `expanded, got ${JSON.stringify(charge)}`);
      return charge;
    };
    const before = await read();
    assert.equal(before.object, 'charge');
    assert.equal(before.id, chargeId);
    assert.match(before.id, /^ch_/);
    assert.deepEqual(
      [before.amount, before.amount_captured, before.amount_refunded, before.currency, before.status],
      [1500, 1500, 0, 'eur', 'succeeded'],
    );
    assert.deepEqual([before.captured, before.paid, before.refunded], [true, true, false]);
    assert.equal(before.payment_intent, intent.id);
    assert.equal(before.payment_method, intent.payment_method);
    assert.deepEqual(before.metadata, { keelson_payment_id: 'pay_expand' });

    await stripe.refunds.create({ payment_intent: intent.id, amount: 400 });
    const partly = await read();
    assert.deepEqual([partly.amount_refunded, partly.refunded], [400, false]);
    await stripe.refunds.create({ payment_intent: intent.id });
    const fully = await read();
    assert.deepEqual([fully.amount_refunded, fully.refunded], [1500, true]);

    // Without the expansion the PaymentIntent keeps the id, as Stripe answers it.
    assert.equal((await stripe.paymentIntents.retrieve(intent.id)).latest_charge, chargeId);
  });

  it('answers a decline’s failed Charge, and null where nothing was charged', async (t) => {
    const sim = await startSim(t);
    const stripe = stripeFor(sim);
    const declined = await stripe.paymentIntents
      .create({
        amount: 990,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
        confirm: true,
      })
      .then(
        () => assert.fail('expected a decline'),
        (caught: unknown) => (caught instanceof Stripe.errors.StripeCardError ? caught.payment_intent : undefined),
      );
    assert.ok(declined !== undefined, 'a StripeCardError carrying the PaymentIntent');
    const expanded = await stripe.paymentIntents.retrieve(declined.id, { expand: ['latest_charge'] });
    const charge = expanded.latest_charge;
    assert.ok(charge !== null && typeof charge === 'object');
    assert.equal(charge.status, 'failed');
    assert.deepEqual([charge.amount, charge.amount_captured, charge.amount_refunded], [990, 0, 0]);
    assert.deepEqual([charge.captured, charge.paid, charge.refunded], [false, false, false]);
    assert.equal(charge.failure_code, 'card_declined');
    assert.match(String(charge.payment_method), /^pm_/);

    const waiting = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    });
    const notCharged = await stripe.paymentIntents.retrieve(waiting.id, { expand: ['latest_charge'] });
    assert.equal(notCharged.latest_charge, null);
  });

  it('takes the expansion in the bracket form curl users write, too', async (t) => {
    const sim = await startSim(t);
    const intent = await stripeFor(sim).paymentIntents.create({
      amount: 100,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const answer = await get(sim, `/v1/payment_intents/${intent.id}?expand[]=latest_charge`);
    assert.equal(answer.status, 200, answer.text);
    const charge = answer.json.latest_charge as { object?: unknown; amount_refunded?: unknown } | null;
    assert.deepEqual([charge?.object, charge?.amount_refunded], ['charge', 0]);
  });
});
