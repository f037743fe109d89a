import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc, runs } from '../../../../packages/kit/test/support/properties.ts';
import { assertBalanced, type LedgerPosting, refundPostings } from '../../src/domain/ledger.ts';
import { parseCurrency } from '../../src/domain/money.ts';
import { Order } from '../../src/domain/order.ts';
import { type PaymentState, paymentStatuses, settlePayment, startPayment } from '../../src/domain/payment.ts';
import { Product } from '../../src/domain/product.ts';
import { type RefundOutcome, type RefundState, settleRefund, startRefund } from '../../src/domain/refund.ts';

const tenantId = 'ten_A';
const now = new Date('2030-01-01T00:00:00.000Z');
const later = new Date(now.getTime() + 2_000);

/** A paid order of `total` and its succeeded payment. */
function captured(total = 1_000): { order: Order; payment: PaymentState } {
  const product = Product.create({
    id: 'prod_1',
    tenantId,
    sku: 'sku-1',
    name: 'Widget',
    unitAmount: total,
    currency: 'EUR',
    stock: 10,
    now,
  }).product.state;
  const placed = Order.place({
    id: 'ord_1',
    tenantId,
    lines: [{ productId: product.id, quantity: 1 }],
    products: new Map([[product.id, product]]),
    now,
    ttlMs: 60_000,
  });
  if (!placed.ok) assert.fail('the order was not placed');
  const payment = startPayment({
    id: 'pay_1',
    order: placed.order.state,
    paymentMethod: 'pm_card_visa',
    idempotencyKey: 'pay-key',
    now,
  });
  const settled = settlePayment(payment, placed.order, { kind: 'succeeded', providerPaymentId: 'pi_1' }, now);
  return { order: settled.order?.order ?? assert.fail('not paid'), payment: settled.payment };
}

function start(
  payment: PaymentState,
  reserved: number,
  options: { amount?: number; reason?: string; id?: string; idempotencyKey?: string } = {},
): RefundState {
  return startRefund({
    id: options.id ?? 're_1',
    payment,
    reserved,
    ...(options.amount === undefined ? {} : { amount: options.amount }),
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    idempotencyKey: options.idempotencyKey ?? 'refund-key',
    now: later,
  });
}

const ok = (n: number): RefundOutcome => ({ kind: 'succeeded', providerRefundId: `pr_${n}` });

describe('startRefund', () => {
  it('by default refunds what is left, as a pending refund of the payment and its order', () => {
    const { payment } = captured();
    assert.deepEqual(start(payment, 300, { reason: '  damaged in transit ' }), {
      id: 're_1',
      tenantId,
      paymentId: 'pay_1',
      orderId: 'ord_1',
      amount: 700,
      currency: parseCurrency('EUR'),
      status: 'pending',
      reason: 'damaged in transit',
      providerRefundId: null,
      failureCode: null,
      failureMessage: null,
      idempotencyKey: 'refund-key',
      version: 1,
      createdAt: later,
      updatedAt: later,
    } satisfies RefundState);
    assert.equal(start(payment, 0, { amount: 1 }).amount, 1);
    assert.equal(start(payment, 999, { amount: 1 }).amount, 1);
  });

  it('refuses more than the capture has left unreserved with refund_exceeds_payment', () => {
    const { payment } = captured();
    assert.throws(() => start(payment, 0, { amount: 1_001 }), { kind: 'conflict', code: 'refund_exceeds_payment' });
    assert.throws(() => start(payment, 600, { amount: 401 }), { kind: 'conflict', code: 'refund_exceeds_payment' });
    assert.throws(() => start(payment, 1_000), { kind: 'conflict', code: 'refund_exceeds_payment' });
  });

  for (const amount of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    it(`refuses amount ${amount} as invalid_request`, () => {
      assert.throws(() => start(captured().payment, 0, { amount }), { kind: 'invalid', code: 'invalid_request' });
    });
  }

  it('refuses a payment that did not succeed with payment_not_refundable', () => {
    const { payment } = captured();
    for (const status of paymentStatuses.filter((s) => s !== 'succeeded')) {
      assert.throws(
        () => start({ ...payment, status }, 0),
        { kind: 'conflict', code: 'payment_not_refundable' },
        status,
      );
    }
  });

  it('refuses a reason that is not storable one-line text, and a malformed idempotency key', () => {
    const { payment } = captured();
    for (const reason of ['', '   ', 'two\nlines', 'x'.repeat(501)]) {
      assert.throws(() => start(payment, 0, { reason }), { code: 'invalid_request' }, JSON.stringify(reason));
    }
    assert.throws(() => start(payment, 0, { idempotencyKey: '' }), { code: 'invalid_request' });
  });
});

describe('settleRefund', () => {
  it('on success: refund succeeded, amount_refunded raised, order partially then fully refunded, balanced reversal', () => {
    const { order, payment } = captured();
    const first = start(payment, 0, { amount: 400 });

    const partial = settleRefund(first, payment, order, ok(1), later);

    assert.deepEqual(partial.refund, { ...first, status: 'succeeded', providerRefundId: 'pr_1', version: 2 });
    assert.deepEqual(partial.payment, { ...payment, amountRefunded: 400, version: 3, updatedAt: later });
    assert.equal(partial.order?.order.state.status, 'partially_refunded');
    assert.deepEqual(
      partial.events.map((e) => [e.type, e.aggregateId]),
      [
        ['refund.succeeded', 're_1'],
        ['order.partially_refunded', 'ord_1'],
      ],
    );
    assert.deepEqual(partial.postings, refundPostings(400, payment.currency));

    const rest = start(partial.payment, 400, { id: 're_2' });
    const full = settleRefund(rest, partial.payment, partial.order?.order ?? order, ok(2), later);

    assert.equal(rest.amount, 600);
    assert.equal(full.payment.amountRefunded, 1_000);
    assert.equal(full.order?.order.state.status, 'refunded');
    assert.deepEqual(
      full.events.map((e) => e.type),
      ['refund.succeeded', 'order.refunded'],
    );
  });

  it('on a rejection: refund failed with the provider code, payment and order untouched, no postings', () => {
    const { order, payment } = captured();
    const refund = start(payment, 0);

    const settlement = settleRefund(
      refund,
      payment,
      order,
      { kind: 'rejected', code: 'charge_disputed', message: 'Disputed.' },
      later,
    );

    assert.deepEqual(settlement.refund, {
      ...refund,
      status: 'failed',
      failureCode: 'charge_disputed',
      failureMessage: 'Disputed.',
      version: 2,
    });
    assert.equal(settlement.payment, payment);
    assert.equal(settlement.order, undefined);
    assert.deepEqual(
      settlement.events.map((e) => e.type),
      ['refund.failed'],
    );
    assert.deepEqual(settlement.postings, []);
  });

  it('changes nothing when the refund is no longer pending', () => {
    const { order, payment } = captured();
    const done = settleRefund(start(payment, 0), payment, order, ok(1), later);

    const again = settleRefund(done.refund, done.payment, done.order?.order ?? order, ok(1), later);

    assert.deepEqual(again, { refund: done.refund, payment: done.payment, events: [], postings: [] });
  });

  it('records money given back for an orphaned capture and leaves the cancelled order as it is', () => {
    const { order, payment } = captured();
    const cancelled = Order.fromRow({ ...order.state, status: 'cancelled' });

    const settlement = settleRefund(start(payment, 0), payment, cancelled, ok(1), later);

    assert.equal(settlement.refund.status, 'succeeded');
    assert.equal(settlement.payment.amountRefunded, 1_000);
    assert.equal(settlement.order, undefined);
    assert.deepEqual(
      settlement.events.map((e) => e.type),
      ['refund.succeeded'],
    );
  });

  // Refunds begun and settled in any interleaving, each answered yes or no: what begins is
  // exactly what fits in the unreserved rest, and the refunded total never exceeds the capture.
  const step = fc.oneof(
    fc.record({
      kind: fc.constant('start' as const),
      amount: fc.option(fc.integer({ min: 1, max: 1_200 }), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), succeeds: fc.boolean() }),
  );

  it('never refunds more than the capture, whatever the amounts, answers and interleaving', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        let { order, payment } = captured();
        let pending: RefundState[] = [];
        const postings: LedgerPosting[] = [];
        let succeededSum = 0;
        for (const [i, s] of steps.entries()) {
          const reserved = succeededSum + pending.reduce((sum, r) => sum + r.amount, 0);
          if (s.kind === 'start') {
            const fits =
              (s.amount ?? payment.amount - reserved) <= payment.amount - reserved && reserved < payment.amount;
            const begin = () =>
              start(payment, reserved, { id: `re_${i}`, ...(s.amount === undefined ? {} : { amount: s.amount }) });
            if (!fits) {
              assert.throws(begin, { code: 'refund_exceeds_payment' });
              continue;
            }
            pending.push(begin());
            continue;
          }
          const refund = pending[s.pick % Math.max(1, pending.length)];
          if (refund === undefined) continue;
          pending = pending.filter((r) => r !== refund);
          const answer: RefundOutcome = s.succeeds ? ok(i) : { kind: 'rejected', code: 'declined', message: 'No.' };
          const settled = settleRefund(refund, payment, order, answer, later);
          if (s.succeeds) succeededSum += refund.amount;
          postings.push(...settled.postings);
          payment = settled.payment;
          order = settled.order?.order ?? order;
          assert.ok(payment.amountRefunded <= payment.amount);
        }
        assert.equal(payment.amountRefunded, succeededSum);
        assertBalanced(postings);
        const expected =
          succeededSum === 0 ? 'paid' : succeededSum === payment.amount ? 'refunded' : 'partially_refunded';
        assert.equal(order.state.status, expected);
      }),
      { numRuns: runs(300) },
    );
  });
});
