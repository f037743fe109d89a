import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPaymentPgRepository } from '../../src/adapters/postgres/payment.pg-repository.ts';
import { capturePostings, refundPostings } from '../../src/domain/ledger.ts';
import { type PaymentState, startPayment } from '../../src/domain/payment.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  beginPayment,
  beginRefundOf,
  cancel,
  capturedPayment,
  charged,
  countingDatabase,
  type DatabaseFixture,
  declined,
  outboxRows,
  paymentSnapshot,
  pendingOrder,
  placeOk,
  refunded,
  seedProduct,
  seedTenant,
  settlePaymentWith,
  settleRefundWith,
  sqlScope,
  sqlState,
  stockOf,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

/** The tenant's events past its catalog's: what orders, payments and refunds appended. */
async function checkoutEvents(fx: DatabaseFixture, tenantId: string) {
  return (await outboxRows(fx, tenantId)).filter((e) => e.aggregate_type !== 'product');
}

async function eventTypes(fx: DatabaseFixture, tenantId: string): Promise<string[]> {
  return (await checkoutEvents(fx, tenantId)).map((e) => e.type);
}

for (const backend of backends()) {
  describe(`PaymentRepository contract on ${backend.name}`, () => {
    const repos = useRepositories(backend);

    describe('begin and settle', () => {
      it('begins pending, then settles: payment succeeded, order paid, stock kept sold, events and balanced ledger', async () => {
        const fx = repos();
        const { tenantId, product, order } = await pendingOrder(fx);
        const begunAt = new Date(order.createdAt.getTime() + 1_000);
        const settledAt = new Date(order.createdAt.getTime() + 2_000);

        const begun = await beginPayment(fx, tenantId, order.id, { key: 'client-key-1', now: begunAt });

        assert.deepEqual(await fx.payments.get(testContext(), tenantId, begun.id), begun);
        assert.deepEqual(await fx.payments.findByIdempotencyKey(testContext(), tenantId, 'client-key-1'), begun);
        assert.equal(begun.status, 'pending');
        assert.equal(begun.amount, 750);
        assert.deepEqual(await eventTypes(fx, tenantId), ['order.created'], 'beginning publishes nothing');

        const paid = await settlePaymentWith(fx, tenantId, begun.id, charged('pi_1'), settledAt);

        assert.deepEqual(paid, {
          ...begun,
          status: 'succeeded',
          providerPaymentId: 'pi_1',
          version: 2,
          updatedAt: settledAt,
        } satisfies PaymentState);
        assert.deepEqual(await fx.payments.get(testContext(), tenantId, begun.id), paid);
        assert.deepEqual(await fx.orders.get(testContext(), tenantId, order.id), {
          ...order,
          status: 'paid',
          version: 2,
          updatedAt: settledAt,
        });
        assert.equal(
          await stockOf(fx, tenantId, product.id),
          7,
          'paying consumes the reservation, it releases nothing',
        );
        const events = (await checkoutEvents(fx, tenantId)).slice(1);
        assert.deepEqual(
          events.map((e) => [e.type, e.aggregate_type, e.aggregate_id, e.aggregate_version, e.data_kind]),
          [
            ['payment.succeeded', 'payment', begun.id, 2, 'object'],
            ['order.paid', 'order', order.id, 2, 'object'],
          ],
        );
        const snap = (await paymentSnapshot(fx, tenantId)) as { ledger: Record<string, unknown>[] };
        assert.deepEqual(
          snap.ledger.map((e) => [
            e.journal_id,
            e.line_no,
            e.kind,
            e.payment_id,
            e.refund_id,
            e.account,
            e.direction,
            e.amount,
            e.currency,
          ]),
          capturePostings(750, paid.currency).map((p, i) => [
            begun.id,
            i + 1,
            'capture',
            begun.id,
            null,
            p.account,
            p.direction,
            p.amount,
            p.currency,
          ]),
        );
        assert.deepEqual(snap.ledger[0]?.posted_at, settledAt);
      });

      it('records a decline, leaves the order pending_payment, and a new payment with a new key may begin', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const first = await beginPayment(fx, tenantId, order.id);

        const failed = await settlePaymentWith(fx, tenantId, first.id, declined);
        const second = await beginPayment(fx, tenantId, order.id);
        const paid = await settlePaymentWith(fx, tenantId, second.id, charged('pi_2'));

        assert.deepEqual(
          [failed.status, failed.failureCode, failed.declineCode, failed.failureMessage, failed.providerPaymentId],
          ['failed', 'card_declined', 'generic_decline', 'Your card was declined.', 'pi_declined'],
        );
        assert.equal(paid.status, 'succeeded');
        assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'paid');
        assert.deepEqual(await eventTypes(fx, tenantId), [
          'order.created',
          'payment.failed',
          'payment.succeeded',
          'order.paid',
        ]);
      });

      it('refuses a second live payment of one order: payment_in_progress while pending, nothing written', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const pending = await beginPayment(fx, tenantId, order.id);
        const before = await paymentSnapshot(fx, tenantId);

        await assert.rejects(beginPayment(fx, tenantId, order.id), appError('payment_in_progress', 'conflict'));

        assert.deepEqual(await paymentSnapshot(fx, tenantId), before);
        await settlePaymentWith(fx, tenantId, pending.id, charged('pi_1'));
        await assert.rejects(beginPayment(fx, tenantId, order.id), appError('order_already_paid', 'conflict'));
      });

      it('the database itself refuses a second pending or succeeded payment of an order, whatever the code', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const pending = await beginPayment(fx, tenantId, order.id);
        const insert = (id: string, status: string) =>
          fx.db.query(
            sqlScope(),
            `INSERT INTO payments (tenant_id, id, order_id, amount, currency, status, amount_refunded, payment_method,
               idempotency_key, version, created_at, updated_at)
             VALUES ($1, $2, $3, 750, 'EUR', $4, 0, 'pm_card_visa', $2, 1, now(), now())`,
            [tenantId, id, order.id, status],
          );

        await assert.rejects(insert(fx.newId('pay'), 'pending'), sqlState('23505'));
        await assert.rejects(insert(fx.newId('pay'), 'succeeded'), sqlState('23505'));
        await insert(fx.newId('pay'), 'requires_action');
        assert.equal((await fx.payments.get(testContext(), tenantId, pending.id))?.status, 'pending');
      });

      it('refuses a second payment under one idempotency key as idempotency_request_in_progress', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const first = await beginPayment(fx, tenantId, order.id, { key: 'same' });
        await settlePaymentWith(fx, tenantId, first.id, declined);
        const before = await paymentSnapshot(fx, tenantId);

        await assert.rejects(
          beginPayment(fx, tenantId, order.id, { key: 'same' }),
          appError('idempotency_request_in_progress', 'conflict'),
        );

        assert.deepEqual(await paymentSnapshot(fx, tenantId), before);
        // Keys are per tenant: another tenant may use the same one.
        const other = await pendingOrder(fx);
        assert.equal((await beginPayment(fx, other.tenantId, other.order.id, { key: 'same' })).status, 'pending');
      });

      it('settling a settled payment changes nothing, whatever the second answer says', async () => {
        const fx = repos();
        const { tenantId, payment } = await capturedPayment(fx);
        const before = await paymentSnapshot(fx, tenantId);

        for (const outcome of [charged('pi_other'), declined]) {
          assert.deepEqual(await settlePaymentWith(fx, tenantId, payment.id, outcome), payment);
        }

        assert.deepEqual(await paymentSnapshot(fx, tenantId), before);
      });

      it('refuses to cancel an order while its payment is pending (the provider may be capturing), then allows it after a decline', async () => {
        const fx = repos();
        const { tenantId, product, order } = await pendingOrder(fx);
        const pending = await beginPayment(fx, tenantId, order.id);
        const before = await paymentSnapshot(fx, tenantId);

        await assert.rejects(
          fx.orders.update(testContext(), tenantId, order.id, cancel),
          appError('payment_in_progress', 'conflict'),
        );

        assert.deepEqual(await paymentSnapshot(fx, tenantId), before, 'nothing changed');
        assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'pending_payment');
        await settlePaymentWith(fx, tenantId, pending.id, {
          kind: 'declined',
          providerPaymentId: 'pi_declined',
          declineCode: 'generic_decline',
          message: 'Your card was declined.',
        });
        await fx.orders.update(testContext(), tenantId, order.id, cancel);
        assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'cancelled');
        assert.equal(await stockOf(fx, tenantId, product.id), 10, 'the cancel released the reservation');
      });

      it('reports an unknown or foreign order as order_not_found without running start', async () => {
        const fx = repos();
        const { order } = await pendingOrder(fx);
        const stranger = await seedTenant(fx);
        let ran = false;
        const start = () => {
          ran = true;
          return assert.fail('start ran');
        };

        for (const orderId of [order.id, fx.newId('ord')]) {
          await assert.rejects(
            fx.payments.begin(testContext(), stranger, orderId, start),
            appError('order_not_found', 'not_found'),
          );
        }
        assert.equal(ran, false);
      });
    });

    describe('refunds', () => {
      it('refunds in part, then the rest: amounts, order status, events, reversal postings; then nothing is left', async () => {
        const fx = repos();
        const { tenantId, order, payment } = await capturedPayment(fx);

        const first = await beginRefundOf(fx, tenantId, payment.id, { amount: 300, reason: 'damaged', key: 'r-1' });
        assert.deepEqual(await fx.payments.getRefund(testContext(), tenantId, first.id), first);
        assert.deepEqual(await fx.payments.findRefundByIdempotencyKey(testContext(), tenantId, 'r-1'), first);
        const firstDone = await settleRefundWith(fx, tenantId, first.id, refunded('pr_1'));
        assert.equal((await fx.payments.get(testContext(), tenantId, payment.id))?.amountRefunded, 300);
        assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'partially_refunded');

        const rest = await beginRefundOf(fx, tenantId, payment.id);
        const restDone = await settleRefundWith(fx, tenantId, rest.id, refunded('pr_2'));

        assert.equal(rest.amount, 450);
        assert.deepEqual(
          [firstDone.status, firstDone.providerRefundId, restDone.status, restDone.providerRefundId],
          ['succeeded', 'pr_1', 'succeeded', 'pr_2'],
        );
        const stored = await fx.payments.get(testContext(), tenantId, payment.id);
        assert.deepEqual([stored?.amountRefunded, stored?.version], [750, 4]);
        assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'refunded');
        assert.deepEqual(await fx.payments.listRefunds(testContext(), tenantId, payment.id), [restDone, firstDone]);
        assert.deepEqual(
          (await checkoutEvents(fx, tenantId)).slice(3).map((e) => [e.type, e.aggregate_type]),
          [
            ['refund.succeeded', 'refund'],
            ['order.partially_refunded', 'order'],
            ['refund.succeeded', 'refund'],
            ['order.refunded', 'order'],
          ],
        );
        const { ledger } = (await paymentSnapshot(fx, tenantId)) as { ledger: Record<string, unknown>[] };
        const refundEntries = ledger
          .filter((e) => e.kind === 'refund')
          .map((e) => [e.journal_id, e.refund_id, e.account, e.direction, e.amount]);
        assert.deepEqual(
          refundEntries.sort(
            (a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[2]).localeCompare(String(b[2])),
          ),
          [
            ...refundPostings(300, payment.currency).map((p) => [first.id, first.id, p.account, p.direction, 300]),
            ...refundPostings(450, payment.currency).map((p) => [rest.id, rest.id, p.account, p.direction, 450]),
          ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[2]).localeCompare(String(b[2]))),
        );
        await assert.rejects(
          beginRefundOf(fx, tenantId, payment.id, { amount: 1 }),
          appError('refund_exceeds_payment'),
        );
      });

      it('reserves pending refunds, and a rejected one gives its reservation back', async () => {
        const fx = repos();
        const { tenantId, payment } = await capturedPayment(fx);
        const held = await beginRefundOf(fx, tenantId, payment.id, { amount: 700 });

        await assert.rejects(
          beginRefundOf(fx, tenantId, payment.id, { amount: 51 }),
          appError('refund_exceeds_payment'),
        );
        const failed = await settleRefundWith(fx, tenantId, held.id, {
          kind: 'rejected',
          code: 'expired',
          message: 'No.',
        });
        const again = await beginRefundOf(fx, tenantId, payment.id, { amount: 750 });

        assert.deepEqual([failed.status, failed.failureCode, failed.failureMessage], ['failed', 'expired', 'No.']);
        assert.equal(again.amount, 750);
        assert.equal((await fx.payments.get(testContext(), tenantId, payment.id))?.amountRefunded, 0);
      });

      it('refuses to refund a payment that did not succeed, and settling a settled refund changes nothing', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const pending = await beginPayment(fx, tenantId, order.id);
        await assert.rejects(beginRefundOf(fx, tenantId, pending.id), appError('payment_not_refundable', 'conflict'));

        const captured = await capturedPayment(fx);
        const refund = await beginRefundOf(fx, captured.tenantId, captured.payment.id, { amount: 10 });
        const done = await settleRefundWith(fx, captured.tenantId, refund.id, refunded('pr_1'));
        const before = await paymentSnapshot(fx, captured.tenantId);

        assert.deepEqual(await settleRefundWith(fx, captured.tenantId, refund.id, refunded('pr_again')), done);
        assert.deepEqual(await paymentSnapshot(fx, captured.tenantId), before);
      });
    });

    describe('lists', () => {
      it('lists newest first, filters by order, pages with starting_after, in one statement each', async () => {
        const fx = repos();
        const counting = countingDatabase(fx.db);
        const payments = createPaymentPgRepository(counting.db, fx.newId);
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 100 });
        const [a, b] = [
          await placeOk(fx, tenantId, [{ productId: product.id, quantity: 1 }]),
          await placeOk(fx, tenantId, [{ productId: product.id, quantity: 1 }]),
        ];
        const p1 = await settlePaymentWith(fx, tenantId, (await beginPayment(fx, tenantId, a.id)).id, declined);
        const p2 = await beginPayment(fx, tenantId, b.id);
        const p3 = await beginPayment(fx, tenantId, a.id);
        counting.assertSent(0, 'set-up');

        const all = await payments.list(testContext(), tenantId, { limit: 10 });
        counting.assertSent(1, 'a page of payments');
        const ofA = await payments.list(testContext(), tenantId, { limit: 1, orderId: a.id });
        const next = await payments.list(testContext(), tenantId, { limit: 1, orderId: a.id, startingAfter: p3.id });
        counting.assertSent(2, 'two filtered pages');

        assert.deepEqual(all, { items: [p3, p2, p1], hasMore: false });
        assert.deepEqual(ofA, { items: [p3], hasMore: true });
        assert.deepEqual(next, { items: [p1], hasMore: false });
        assert.deepEqual(await payments.list(testContext(), tenantId, { limit: 5, orderId: fx.newId('ord') }), {
          items: [],
          hasMore: false,
        });
      });

      it('rejects a malformed, order or foreign cursor as invalid_cursor', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const foreign = await capturedPayment(fx);

        for (const startingAfter of ['pay_nope', order.id, foreign.payment.id, fx.newId('pay')]) {
          await assert.rejects(
            fx.payments.list(testContext(), tenantId, { limit: 10, startingAfter }),
            appError('invalid_cursor', 'invalid'),
            startingAfter,
          );
        }
      });

      it('lists pending payments and refunds of every tenant, oldest first, older than the cut-off', async () => {
        const fx = repos();
        // Far in the past, so that no other test's rows fall before the cut-off.
        const at = (s: number) => new Date(Date.UTC(2001, 0, 1, 0, 0, s));
        const byTenant = [await pendingOrder(fx), await pendingOrder(fx), await pendingOrder(fx)];
        const old: PaymentState[] = [];
        for (const [i, { tenantId, order }] of byTenant.entries()) {
          // The order's own expiry is moved out of the way: payments begin at the chosen time.
          old.push(
            await fx.payments.begin(testContext(), tenantId, order.id, (state) =>
              startPayment({
                id: fx.newId('pay'),
                order: { ...state, expiresAt: at(60) },
                paymentMethod: 'pm_card_visa',
                idempotencyKey: `old-${i}`,
                now: at(10 - i),
              }),
            ),
          );
        }
        await settlePaymentWith(fx, byTenant[1]?.tenantId ?? '', old[1]?.id ?? '', declined);

        const scan = { olderThan: at(30), limit: 10 };
        assert.deepEqual(await fx.payments.listPending(testContext(), scan), [old[2], old[0]]);
        assert.deepEqual(await fx.payments.listPending(testContext(), { ...scan, limit: 1 }), [old[2]]);
        assert.deepEqual(await fx.payments.listPending(testContext(), { ...scan, olderThan: at(8) }), []);
        const pendingRefunds = await fx.payments.listPendingRefunds(testContext(), {
          olderThan: new Date(),
          limit: 1_000,
        });
        assert.ok(pendingRefunds.every((r) => r.status === 'pending'));
      });
    });

    describe('tenant isolation', () => {
      it("another tenant's payments and refunds are not found, listed or settled, and nothing changes", async () => {
        const fx = repos();
        const { tenantId, payment } = await capturedPayment(fx);
        const refund = await beginRefundOf(fx, tenantId, payment.id, { amount: 5, key: 'mine' });
        const { tenantId: stranger } = await pendingOrder(fx);
        const before = await paymentSnapshot(fx, tenantId);
        const never = () => assert.fail('the closure ran');

        assert.equal(await fx.payments.get(testContext(), stranger, payment.id), undefined);
        assert.equal(
          await fx.payments.findByIdempotencyKey(testContext(), stranger, payment.idempotencyKey),
          undefined,
        );
        assert.deepEqual(await fx.payments.list(testContext(), stranger, { limit: 10 }), { items: [], hasMore: false });
        assert.equal(await fx.payments.getRefund(testContext(), stranger, refund.id), undefined);
        assert.equal(await fx.payments.findRefundByIdempotencyKey(testContext(), stranger, 'mine'), undefined);
        await assert.rejects(
          fx.payments.listRefunds(testContext(), stranger, payment.id),
          appError('payment_not_found', 'not_found'),
        );
        await assert.rejects(
          fx.payments.settle(testContext(), stranger, payment.id, never),
          appError('payment_not_found', 'not_found'),
        );
        await assert.rejects(
          fx.payments.beginRefund(testContext(), stranger, payment.id, never),
          appError('payment_not_found', 'not_found'),
        );
        await assert.rejects(
          fx.payments.settleRefund(testContext(), stranger, refund.id, never),
          appError('refund_not_found', 'not_found'),
        );

        assert.deepEqual(await paymentSnapshot(fx, tenantId), before);
      });
    });

    describe('ledger', () => {
      it('is append-only: UPDATE, DELETE and TRUNCATE of ledger entries raise', async () => {
        const fx = repos();
        const { tenantId } = await capturedPayment(fx);
        const before = await paymentSnapshot(fx, tenantId);

        for (const sql of [
          'UPDATE ledger_entries SET amount = amount + 1 WHERE tenant_id = $1',
          'DELETE FROM ledger_entries WHERE tenant_id = $1',
        ]) {
          await assert.rejects(fx.db.query(sqlScope(), sql, [tenantId]), sqlState('23001'), sql);
        }
        await assert.rejects(fx.db.query(sqlScope(), 'TRUNCATE ledger_entries CASCADE'), sqlState('23001'));

        assert.deepEqual(await paymentSnapshot(fx, tenantId), before);
      });
    });
  });
}

for (const backend of backends()) {
  // A database of its own: the ledger's reads span every tenant.
  describe(`LedgerReader contract on ${backend.name}`, () => {
    const repos = useRepositories(backend);

    it('totals the ledger per currency and per payment, with the provider ids to compare against', async () => {
      const fx = repos();
      assert.deepEqual(await fx.ledger.balances(testContext()), []);
      assert.deepEqual(await fx.ledger.totalsByPayment(testContext(), { limit: 10 }), { items: [], hasMore: false });

      const eur = await capturedPayment(fx);
      const kept = await beginRefundOf(fx, eur.tenantId, eur.payment.id, { amount: 100 });
      await settleRefundWith(fx, eur.tenantId, kept.id, refunded('pr_kept'));
      const lost = await beginRefundOf(fx, eur.tenantId, eur.payment.id, { amount: 50 });
      await settleRefundWith(fx, eur.tenantId, lost.id, { kind: 'rejected', code: 'declined', message: 'No.' });
      const usdTenant = await seedTenant(fx);
      const dollars = await seedProduct(fx, usdTenant, { currency: 'USD', unitAmount: 500 });
      const usdOrder = await placeOk(fx, usdTenant, [{ productId: dollars.id, quantity: 1 }]);
      const usdBegun = await beginPayment(fx, usdTenant, usdOrder.id);
      const usd = await settlePaymentWith(fx, usdTenant, usdBegun.id, charged('pi_usd'));
      const { tenantId: declinedTenant, order: declinedOrder } = await pendingOrder(fx);
      const failed = await beginPayment(fx, declinedTenant, declinedOrder.id);
      await settlePaymentWith(fx, declinedTenant, failed.id, declined);

      assert.deepEqual(await fx.ledger.balances(testContext()), [
        { currency: 'EUR', debits: 850, credits: 850 },
        { currency: 'USD', debits: 500, credits: 500 },
      ]);
      const first = await fx.ledger.totalsByPayment(testContext(), { limit: 1 });
      const rest = await fx.ledger.totalsByPayment(testContext(), { limit: 5, startingAfter: eur.payment.id });
      assert.deepEqual(first, {
        items: [
          {
            tenantId: eur.tenantId,
            paymentId: eur.payment.id,
            providerPaymentId: `pi_${eur.payment.id}`,
            status: 'succeeded',
            currency: 'EUR',
            amount: 750,
            amountRefunded: 100,
            captured: 750,
            refunded: 100,
            refunds: [{ refundId: kept.id, providerRefundId: 'pr_kept', amount: 100 }],
          },
        ],
        hasMore: true,
      });
      assert.deepEqual(rest, {
        items: [
          {
            tenantId: usdTenant,
            paymentId: usd.id,
            providerPaymentId: 'pi_usd',
            status: 'succeeded',
            currency: 'USD',
            amount: 500,
            amountRefunded: 0,
            captured: 500,
            refunded: 0,
            refunds: [],
          },
        ],
        hasMore: false,
      });
    });
  });
}
