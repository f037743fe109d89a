import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc, runs } from '../../../../packages/kit/test/support/properties.ts';
import { assertBalanced, capturePostings, type LedgerPosting } from '../../src/domain/ledger.ts';
import { parseCurrency } from '../../src/domain/money.ts';
import { Order, type OrderState } from '../../src/domain/order.ts';
import { type OrderStatus, orderStatuses } from '../../src/domain/order-status.ts';
import {
  type ChargeOutcome,
  isPaymentMethodToken,
  type PaymentState,
  settlePayment,
  startPayment,
} from '../../src/domain/payment.ts';
import { Product } from '../../src/domain/product.ts';

const tenantId = 'ten_A';
const now = new Date('2030-01-01T00:00:00.000Z');
const later = new Date(now.getTime() + 2_000);

function pendingOrder(unitAmount = 250, quantity = 4): Order {
  const product = Product.create({
    id: 'prod_1',
    tenantId,
    sku: 'sku-1',
    name: 'Widget',
    unitAmount,
    currency: 'EUR',
    stock: 10,
    now,
  }).product.state;
  const outcome = Order.place({
    id: 'ord_1',
    tenantId,
    lines: [{ productId: product.id, quantity }],
    products: new Map([[product.id, product]]),
    now,
    ttlMs: 60_000,
  });
  if (!outcome.ok) assert.fail('the order was not placed');
  return outcome.order;
}

function start(order: OrderState, overrides: { paymentMethod?: string; idempotencyKey?: string; now?: Date } = {}) {
  return startPayment({
    id: 'pay_1',
    order,
    paymentMethod: overrides.paymentMethod ?? 'pm_card_visa',
    idempotencyKey: overrides.idempotencyKey ?? 'key-1',
    now: overrides.now ?? now,
  });
}

const succeeded: ChargeOutcome = { kind: 'succeeded', providerPaymentId: 'pi_1' };
const declined: ChargeOutcome = {
  kind: 'declined',
  providerPaymentId: 'pi_2',
  declineCode: 'insufficient_funds',
  message: 'Your card has insufficient funds.',
};

describe('startPayment', () => {
  it("records a pending payment for the order's whole total, keyed by the client's idempotency key", () => {
    const order = pendingOrder();
    assert.deepEqual(start(order.state), {
      id: 'pay_1',
      tenantId,
      orderId: 'ord_1',
      amount: 1_000,
      currency: parseCurrency('EUR'),
      status: 'pending',
      amountRefunded: 0,
      paymentMethod: 'pm_card_visa',
      failureCode: null,
      failureMessage: null,
      declineCode: null,
      providerPaymentId: null,
      idempotencyKey: 'key-1',
      version: 1,
      createdAt: now,
      updatedAt: now,
    } satisfies PaymentState);
  });

  const paidOnce: readonly OrderStatus[] = ['paid', 'fulfilled', 'partially_refunded', 'refunded'];
  for (const status of orderStatuses.filter((s) => s !== 'pending_payment')) {
    const code = paidOnce.includes(status) ? 'order_already_paid' : 'order_not_payable';
    it(`refuses an order that is ${status} with ${code}`, () => {
      const order = { ...pendingOrder().state, status };
      assert.throws(() => start(order), { name: 'AppError', kind: 'conflict', code });
    });
  }

  it('refuses an order past its expiry (its reservation ended) and one with nothing to charge', () => {
    const order = pendingOrder().state;
    assert.throws(() => start(order, { now: order.expiresAt }), { kind: 'conflict', code: 'order_not_payable' });
    assert.doesNotThrow(() => start(order, { now: new Date(order.expiresAt.getTime() - 1) }));
    assert.throws(() => start(pendingOrder(0).state), { kind: 'conflict', code: 'order_not_payable' });
  });

  it('accepts provider tokens only, never something that looks like a card number', () => {
    for (const token of ['pm_card_visa', 'pm_card_chargeDeclinedInsufficientFunds', 'pm_1PqRsT2uVwXyZ3aBcDeF']) {
      assert.equal(isPaymentMethodToken(token), true, token);
    }
    for (const bad of ['', 'pm_', 'card_visa', '4242424242424242', 'pm_4242424242424242', 'pm_card visa', 'pm_é']) {
      assert.equal(isPaymentMethodToken(bad), false, bad);
      assert.throws(() => start(pendingOrder().state, { paymentMethod: bad }), {
        kind: 'invalid',
        code: 'invalid_request',
      });
    }
  });

  it('refuses an idempotency key the kit would refuse', () => {
    for (const key of ['', 'x'.repeat(256), 'tab\tkey', 'ключ']) {
      assert.throws(() => start(pendingOrder().state, { idempotencyKey: key }), { code: 'invalid_request' });
    }
  });
});

describe('settlePayment', () => {
  it('on success: payment succeeded, order paid, both events and a balanced capture', () => {
    const order = pendingOrder();
    const payment = start(order.state);

    const settlement = settlePayment(payment, order, succeeded, later);

    const paid = { ...payment, status: 'succeeded', providerPaymentId: 'pi_1', version: 2, updatedAt: later };
    assert.deepEqual(settlement.payment, paid);
    assert.equal(settlement.order?.order.state.status, 'paid');
    assert.deepEqual(settlement.order?.release, []);
    assert.deepEqual(
      settlement.events.map((e) => [e.type, e.aggregateType, e.aggregateId, e.aggregateVersion]),
      [
        ['payment.succeeded', 'payment', 'pay_1', 2],
        ['order.paid', 'order', 'ord_1', 2],
      ],
    );
    assert.deepEqual(settlement.events[0]?.data, paid);
    assert.deepEqual(settlement.postings, capturePostings(1_000, payment.currency));
    assertBalanced(settlement.postings);
    assert.equal(settlement.orphanedCapture, false);
  });

  it('on a decline: failed with card_declined, decline code and message kept, order still payable', () => {
    const order = pendingOrder();
    const payment = start(order.state);

    const settlement = settlePayment(payment, order, declined, later);

    assert.deepEqual(settlement.payment, {
      ...payment,
      status: 'failed',
      failureCode: 'card_declined',
      failureMessage: 'Your card has insufficient funds.',
      declineCode: 'insufficient_funds',
      providerPaymentId: 'pi_2',
      version: 2,
      updatedAt: later,
    });
    assert.equal(settlement.order, undefined);
    assert.deepEqual(
      settlement.events.map((e) => e.type),
      ['payment.failed'],
    );
    assert.deepEqual(settlement.postings, []);
    // A new payment with another key may begin on the same, still pending, order.
    assert.equal(start(order.state, { idempotencyKey: 'key-2' }).status, 'pending');
  });

  it('records requires_action and an unknown payment method without moving money or the order', () => {
    const order = pendingOrder();
    const payment = start(order.state);

    const action = settlePayment(payment, order, { kind: 'requires_action', providerPaymentId: 'pi_3' }, later);
    const invalid = settlePayment(
      payment,
      order,
      { kind: 'invalid_payment_method', message: 'No such method.' },
      later,
    );

    assert.deepEqual(
      [action.payment.status, action.payment.providerPaymentId, action.events.map((e) => e.type)],
      ['requires_action', 'pi_3', ['payment.requires_action']],
    );
    assert.deepEqual(
      [
        invalid.payment.status,
        invalid.payment.failureCode,
        invalid.payment.failureMessage,
        invalid.payment.providerPaymentId,
      ],
      ['failed', 'invalid_payment_method', 'No such method.', null],
    );
    for (const s of [action, invalid]) {
      assert.equal(s.order, undefined);
      assert.deepEqual(s.postings, []);
    }
  });

  it('records a capture for an order cancelled while the charge was in flight as an orphaned capture', () => {
    const order = pendingOrder();
    const payment = start(order.state);
    const cancelled = order.cancel(now).order;

    const settlement = settlePayment(payment, cancelled, succeeded, later);

    assert.equal(settlement.payment.status, 'succeeded');
    assert.equal(settlement.order, undefined);
    assert.equal(settlement.orphanedCapture, true);
    assert.deepEqual(
      settlement.events.map((e) => e.type),
      ['payment.succeeded'],
    );
    assert.deepEqual(settlement.postings, capturePostings(1_000, payment.currency));
  });

  it("refuses, as a bug, to settle against another order than the payment's", () => {
    const payment = start(pendingOrder().state);
    const other = Order.fromRow({ ...pendingOrder().state, id: 'ord_2' });
    assert.throws(() => settlePayment(payment, other, succeeded, later), /not its own ord_1/);
  });

  const outcome: fc.Arbitrary<ChargeOutcome> = fc.oneof(
    fc.constant(succeeded),
    fc.constant(declined),
    fc.constant({ kind: 'requires_action', providerPaymentId: 'pi_9' } as const),
    fc.constant({ kind: 'invalid_payment_method', message: 'No such method.' } as const),
  );

  it('applies only the first answer: any later one (a reconcile racing a retry) is a no-op', () => {
    fc.assert(
      fc.property(fc.array(outcome, { minLength: 1, maxLength: 6 }), (answers) => {
        let order = pendingOrder();
        let payment = start(order.state);
        const postings: LedgerPosting[] = [];
        let events = 0;
        for (const [i, answer] of answers.entries()) {
          const before = payment;
          const settlement = settlePayment(payment, order, answer, new Date(later.getTime() + i));
          if (i > 0) {
            assert.equal(settlement.payment, before);
            assert.equal(settlement.order, undefined);
            assert.deepEqual([settlement.events, settlement.postings], [[], []]);
          }
          postings.push(...settlement.postings);
          events += settlement.events.length;
          payment = settlement.payment;
          order = settlement.order?.order ?? order;
        }
        assertBalanced(postings);
        const first = answers[0];
        assert.equal(payment.version, 2);
        assert.equal(order.state.status, first?.kind === 'succeeded' ? 'paid' : 'pending_payment');
        assert.equal(postings.length, first?.kind === 'succeeded' ? 2 : 0);
        assert.equal(events, first?.kind === 'succeeded' ? 2 : 1);
      }),
      { numRuns: runs(200) },
    );
  });
});
