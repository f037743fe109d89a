import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@keelson/kit/errors';
import { isPolicyRejection } from '@keelson/kit/resilience';
import { charge, clientFor, ledger, rejectionOf, requestsTo, startSim, stats, uniqueId, within } from './support.ts';

const createIntent = 'POST /v1/payment_intents';
const createRefund = 'POST /v1/refunds';

describe('psp client against psp-sim: charges', () => {
  it('a card that succeeds: one PaymentIntent with our payment id, amount and currency', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    const request = charge(1500);
    const outcome = await psp.charge(within(5_000), request);
    assert.equal(outcome.kind, 'succeeded');
    const { payment_intents: intents } = await ledger(sim);
    assert.equal(intents.length, 1);
    const [intent] = intents;
    assert.deepEqual(outcome, { kind: 'succeeded', providerPaymentId: intent?.id });
    assert.equal(intent?.amount, 1500);
    assert.equal(intent?.currency, 'usd');
    assert.equal(intent?.status, 'succeeded');
    assert.deepEqual(intent?.metadata, { keelson_payment_id: request.paymentId });
  });

  for (const [paymentMethod, declineCode] of [
    ['pm_card_chargeDeclined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card'],
    ['pm_card_chargeDeclinedLostCard', 'lost_card'],
    ['pm_card_chargeDeclinedStolenCard', 'stolen_card'],
    ['pm_card_chargeDeclinedFraudulent', 'fraudulent'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error'],
  ] as const) {
    it(`${paymentMethod} is a declined outcome (${declineCode}) naming the declined PaymentIntent, sent once`, async (t) => {
      const sim = await startSim(t);
      const outcome = await clientFor(sim.url).charge(within(5_000), charge(1500, paymentMethod));
      const [intent] = (await ledger(sim)).payment_intents;
      assert.equal(outcome.kind, 'declined');
      assert.equal(outcome.declineCode, declineCode);
      assert.equal(outcome.providerPaymentId, intent?.id);
      assert.match(outcome.message, /\w/);
      assert.equal(intent?.status, 'requires_payment_method');
      assert.equal(requestsTo(await stats(sim), createIntent), 1, 'a decline is an answer: never retried');
    });
  }

  it('a card that needs authentication is requires_action', async (t) => {
    const sim = await startSim(t);
    const outcome = await clientFor(sim.url).charge(within(5_000), charge(1500, 'pm_card_authenticationRequired'));
    const [intent] = (await ledger(sim)).payment_intents;
    assert.deepEqual(outcome, { kind: 'requires_action', providerPaymentId: intent?.id });
    assert.equal(intent?.status, 'requires_action');
  });

  it('an unknown payment method is invalid_payment_method; nothing is created and nothing retried', async (t) => {
    const sim = await startSim(t);
    const outcome = await clientFor(sim.url).charge(within(5_000), charge(1500, 'pm_card_nonsense'));
    assert.equal(outcome.kind, 'invalid_payment_method');
    assert.match(outcome.kind === 'invalid_payment_method' ? outcome.message : '', /pm_card_nonsense/);
    assert.equal((await ledger(sim)).payment_intents.length, 0);
    assert.equal(requestsTo(await stats(sim), createIntent), 1);
  });

  it('repeating a charge with its key returns the original outcome and charges once', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    const succeeded = charge(1500);
    const declined = charge(1500, 'pm_card_chargeDeclined');
    const first = [await psp.charge(within(5_000), succeeded), await psp.charge(within(5_000), declined)];
    const again = [await psp.charge(within(5_000), succeeded), await psp.charge(within(5_000), declined)];
    assert.deepEqual(again, first);
    assert.equal((await ledger(sim)).payment_intents.length, 2);
    assert.equal(requestsTo(await stats(sim), createIntent), 4, 'the repeats reached the provider and were replayed');
  });

  it('the same key with other parameters is a bug of ours: internal_error, not retried', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    const request = charge(1500);
    await psp.charge(within(5_000), request);
    const error = await rejectionOf(psp.charge(within(5_000), { ...request, amount: 1600 }));
    assert.ok(isAppError(error), String(error));
    assert.equal(error.kind, 'internal');
    assert.equal(error.code, 'internal_error');
    assert.match(String((error.cause as Error).message), /400 \(idempotency_error\)/);
    assert.equal(requestsTo(await stats(sim), createIntent), 2);
    assert.equal(psp.policy.stats().calls.failure, 0, 'a 400 says nothing about the provider health');
  });

  it('declines never count against the breaker', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url, {
      policy: { breaker: { volumeThreshold: 3, failureRatio: 0.5, windowMs: 10_000, halfOpenAfterMs: 1_000 } },
    });
    for (let i = 0; i < 6; i++) await psp.charge(within(5_000), charge(1500, 'pm_card_chargeDeclined'));
    assert.equal(psp.policy.state, 'closed');
    assert.equal(psp.policy.stats().calls.success, 6);
  });
});

describe('psp client against psp-sim: refunds and reads', () => {
  async function succeededCharge(t: Parameters<typeof startSim>[0]) {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    const outcome = await psp.charge(within(5_000), charge(1500));
    assert.equal(outcome.kind, 'succeeded');
    return { sim, psp, providerPaymentId: outcome.providerPaymentId };
  }

  function refund(providerPaymentId: string, amount: number) {
    const refundId = uniqueId('ref');
    return { refundId, idempotencyKey: `refund-${refundId}`, providerPaymentId, amount };
  }

  it('partial, then the rest, then nothing left; more than remains is rejected; replays are the original', async (t) => {
    const { sim, psp, providerPaymentId } = await succeededCharge(t);
    const partial = refund(providerPaymentId, 500);
    const first = await psp.refund(within(5_000), partial);
    assert.equal(first.kind, 'succeeded');
    const tooMuch = await psp.refund(within(5_000), refund(providerPaymentId, 1001));
    assert.equal(tooMuch.kind, 'rejected');
    assert.equal(tooMuch.kind === 'rejected' ? tooMuch.code : '', 'amount_too_large');
    const rest = await psp.refund(within(5_000), refund(providerPaymentId, 1000));
    assert.equal(rest.kind, 'succeeded');
    const more = await psp.refund(within(5_000), refund(providerPaymentId, 1));
    assert.deepEqual(more.kind === 'rejected' ? more.code : more, 'charge_already_refunded');
    assert.deepEqual(await psp.refund(within(5_000), partial), first, 'a replay names the same refund');

    const snapshot = await ledger(sim);
    assert.equal(snapshot.payment_intents[0]?.amount_refunded, 1500);
    assert.deepEqual(
      snapshot.refunds.map((r) => [r.id, r.amount]),
      [
        [first.kind === 'succeeded' ? first.providerRefundId : '', 500],
        [rest.kind === 'succeeded' ? rest.providerRefundId : '', 1000],
      ],
    );
    assert.equal(requestsTo(await stats(sim), createRefund), 5);
  });

  it('a full refund in one go; refunding a declined charge is rejected', async (t) => {
    const { sim, psp, providerPaymentId } = await succeededCharge(t);
    assert.equal((await psp.refund(within(5_000), refund(providerPaymentId, 1500))).kind, 'succeeded');
    const declined = await psp.charge(within(5_000), charge(1500, 'pm_card_chargeDeclined'));
    assert.equal(declined.kind, 'declined');
    const refused = await psp.refund(
      within(5_000),
      refund(declined.kind === 'declined' ? (declined.providerPaymentId ?? '') : '', 100),
    );
    assert.deepEqual(refused.kind === 'rejected' ? refused.code : refused, 'payment_intent_unexpected_state');
    assert.equal((await ledger(sim)).refunds.length, 1);
  });

  it('retrieveCharge reads a charge that has no captured money yet, and undefined for an unknown id', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    const request = charge(2500, 'pm_card_authenticationRequired');
    const outcome = await psp.charge(within(5_000), request);
    assert.equal(outcome.kind, 'requires_action');
    const providerPaymentId = outcome.kind === 'requires_action' ? outcome.providerPaymentId : '';
    assert.deepEqual(await psp.retrieveCharge(within(5_000), providerPaymentId), {
      providerPaymentId,
      status: 'requires_action',
      amount: 2500,
      amountReceived: 0,
      amountRefunded: 0,
      currency: 'USD',
      keelsonPaymentId: request.paymentId,
    });
    assert.equal(await psp.retrieveCharge(within(5_000), 'pi_unknown'), undefined);
    assert.equal(requestsTo(await stats(sim), 'GET /v1/payment_intents/:id'), 2);
  });

  it('retrieveCharge reads captured and refunded amounts', async (t) => {
    const { psp, providerPaymentId } = await succeededCharge(t);
    await psp.refund(within(5_000), refund(providerPaymentId, 400));
    const read = await psp.retrieveCharge(within(5_000), providerPaymentId);
    assert.equal(read?.amountReceived, 1500);
    assert.equal(read?.amountRefunded, 400);
  });
});

describe('psp client: what it hands its caller on failure', () => {
  it('is an AppError whose cause chain holds the policy rejection', async (t) => {
    const sim = await startSim(t);
    const psp = clientFor(sim.url);
    await sim.close();
    const error = await rejectionOf(psp.charge(within(5_000), charge()));
    assert.ok(isAppError(error), String(error));
    assert.equal(error.kind, 'unavailable');
    assert.equal(error.code, 'payment_provider_unavailable');
    assert.ok(isPolicyRejection(error.cause));
    assert.equal(error.cause.reason, 'attempts_exhausted');
  });
});
