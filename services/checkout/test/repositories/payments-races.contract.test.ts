import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockOrder } from '../../src/adapters/postgres/settlement.ts';
import type { Currency } from '../../src/domain/money.ts';
import { type PaymentSettlement, settlePayment } from '../../src/domain/payment.ts';
import { settleRefund } from '../../src/domain/refund.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  beginPayment,
  beginRefundOf,
  capturedPayment,
  charged,
  holdLocks,
  outboxRows,
  paymentSnapshot,
  pendingOrder,
  placeOk,
  refunded,
  seedProduct,
  seedTenant,
  settlePaymentWith,
  settleRefundWith,
  sqlState,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

for (const backend of backends()) {
  describe(`PaymentRepository contract on ${backend.name}: failures and races`, () => {
    const repos = useRepositories(backend);

    // STYLE rule 16: force a failure right after each side effect and prove it was undone.
    describe('rollback after a side effect', () => {
      it('begin: a throwing start, or an insert failing after the order lock (an id in use), changes nothing', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 10 });
        const a = await placeOk(fx, tenantId, [{ productId: product.id, quantity: 1 }]);
        const b = await placeOk(fx, tenantId, [{ productId: product.id, quantity: 1 }]);
        const taken = await beginPayment(fx, tenantId, a.id);
        const before = await paymentSnapshot(fx, tenantId);

        await assert.rejects(
          fx.payments.begin(testContext(), tenantId, b.id, () => {
            throw new Error('start refused');
          }),
          /start refused/,
        );
        await assert.rejects(beginPayment(fx, tenantId, b.id, { id: taken.id }), sqlState('23505'));

        assert.deepEqual(await paymentSnapshot(fx, tenantId), before);
        assert.equal((await beginPayment(fx, tenantId, b.id)).status, 'pending');
      });

      // Each tampering makes the settlement fail at one step, after every write before it.
      const failures: readonly {
        readonly at: string;
        readonly tamper: (settlement: PaymentSettlement) => PaymentSettlement;
        readonly error: RegExp | ((error: unknown) => true);
      }[] = [
        {
          // aggregate_version is int4: 2^31 passes the domain but fails the INSERT INTO outbox.
          at: 'the outbox, after the payment and order rows were written',
          tamper: (s) => ({ ...s, events: s.events.map((e) => ({ ...e, aggregateVersion: 2 ** 31 })) }),
          error: sqlState('22003'),
        },
        {
          // Balanced, so the domain's check passes; the currency does not fit char(3).
          at: 'the ledger, the last write',
          tamper: (s) => ({ ...s, postings: s.postings.map((p) => ({ ...p, currency: 'EURO' as Currency })) }),
          error: sqlState('22001'),
        },
        {
          at: 'the balance check, before the ledger is written',
          tamper: (s) => ({ ...s, postings: s.postings.slice(0, 1) }),
          error: /do not balance/,
        },
        {
          at: 'the closure itself',
          tamper: () => {
            throw new Error('settle refused');
          },
          error: /settle refused/,
        },
      ];
      for (const { at, tamper, error } of failures) {
        it(`settle: a failure at ${at} changes nothing; a later settle applies once`, async () => {
          const fx = repos();
          const { tenantId, order } = await pendingOrder(fx);
          const pending = await beginPayment(fx, tenantId, order.id);
          const before = await paymentSnapshot(fx, tenantId);

          await assert.rejects(
            fx.payments.settle(testContext(), tenantId, pending.id, (payment, o) =>
              tamper(settlePayment(payment, o, charged('pi_1'), new Date())),
            ),
            error,
          );
          assert.deepEqual(await paymentSnapshot(fx, tenantId), before);

          await settlePaymentWith(fx, tenantId, pending.id, charged('pi_1'));
          await settlePaymentWith(fx, tenantId, pending.id, charged('pi_1'));
          const { ledger } = (await paymentSnapshot(fx, tenantId)) as { ledger: unknown[] };
          assert.equal(ledger.length, 2);
          assert.equal((await outboxRows(fx, tenantId, 'payment.succeeded')).length, 1);
          assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'paid');
        });
      }

      it('refunds: a throwing start, or a settle failing at the ledger, changes nothing; the retry refunds once', async () => {
        const fx = repos();
        const { tenantId, payment } = await capturedPayment(fx);
        const before = await paymentSnapshot(fx, tenantId);
        await assert.rejects(
          fx.payments.beginRefund(testContext(), tenantId, payment.id, () => {
            throw new Error('start refused');
          }),
          /start refused/,
        );
        assert.deepEqual(await paymentSnapshot(fx, tenantId), before);

        const refund = await beginRefundOf(fx, tenantId, payment.id, { amount: 750 });
        const begun = await paymentSnapshot(fx, tenantId);
        await assert.rejects(
          fx.payments.settleRefund(testContext(), tenantId, refund.id, (r, p, o) => {
            const settlement = settleRefund(r, p, o, refunded('pr_1'), new Date());
            return {
              ...settlement,
              postings: settlement.postings.map((x) => ({ ...x, currency: 'EURO' as Currency })),
            };
          }),
          sqlState('22001'),
        );
        assert.deepEqual(await paymentSnapshot(fx, tenantId), begun);

        await settleRefundWith(fx, tenantId, refund.id, refunded('pr_1'));
        await settleRefundWith(fx, tenantId, refund.id, refunded('pr_1'));
        assert.equal((await fx.payments.get(testContext(), tenantId, payment.id))?.amountRefunded, 750);
        assert.equal((await outboxRows(fx, tenantId, 'refund.succeeded')).length, 1);
      });
    });

    describe('concurrency', () => {
      it('20 concurrent begins for one order under different keys: exactly one payment, 19 payment_in_progress', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);

        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => beginPayment(fx, tenantId, order.id)),
        );

        const rejected = results.filter((r) => r.status === 'rejected');
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of rejected) appError('payment_in_progress', 'conflict')(r.reason);
        assert.equal((await fx.payments.list(testContext(), tenantId, { limit: 100 })).items.length, 1);
      });

      it('20 concurrent settles of one payment apply once: one pair of events, one capture', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const pending = await beginPayment(fx, tenantId, order.id);

        const settled = await Promise.all(
          Array.from({ length: 20 }, (_, i) => settlePaymentWith(fx, tenantId, pending.id, charged(`pi_${i}`))),
        );

        assert.equal(new Set(settled.map((p) => JSON.stringify(p))).size, 1);
        assert.equal(settled[0]?.version, 2);
        assert.equal((await outboxRows(fx, tenantId, 'payment.succeeded')).length, 1);
        assert.equal((await outboxRows(fx, tenantId, 'order.paid')).length, 1);
        const { ledger } = (await paymentSnapshot(fx, tenantId)) as { ledger: unknown[] };
        assert.equal(ledger.length, 2);
      });

      it('20 concurrent refunds summing past the capture: what begins never exceeds it, each refusal did not fit', async () => {
        const fx = repos();
        const { tenantId, payment } = await capturedPayment(fx);
        const amounts = Array.from({ length: 20 }, (_, i) => 30 + 7 * i); // 30…163, 1 930 in all

        const results = await Promise.allSettled(
          amounts.map((amount) => beginRefundOf(fx, tenantId, payment.id, { amount })),
        );

        const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.amount] : []));
        const reserved = accepted.reduce((a, b) => a + b, 0);
        assert.ok(reserved <= payment.amount, `reserved ${reserved} of ${payment.amount}`);
        for (const [i, r] of results.entries()) {
          if (r.status === 'fulfilled') continue;
          appError('refund_exceeds_payment', 'conflict')(r.reason);
          assert.ok((amounts[i] ?? 0) > payment.amount - reserved, `${amounts[i]} was refused but fits`);
        }
        const stored = await fx.payments.listRefunds(testContext(), tenantId, payment.id);
        assert.equal(
          stored.reduce((sum, r) => sum + r.amount, 0),
          reserved,
        );
      });

      it('concurrent refunds begun and settled at once neither deadlock nor refund more than captured', async () => {
        const fx = repos();
        const { tenantId, order, payment } = await capturedPayment(fx);

        const chains = await Promise.allSettled(
          Array.from({ length: 12 }, async (_, i) => {
            const refund = await beginRefundOf(fx, tenantId, payment.id, { amount: 75 });
            return settleRefundWith(fx, tenantId, refund.id, refunded(`pr_${i}`));
          }),
        );

        const failures = chains.filter((c) => c.status === 'rejected');
        assert.equal(chains.length - failures.length, 10);
        for (const f of failures) appError('refund_exceeds_payment')(f.reason);
        assert.equal((await fx.payments.get(testContext(), tenantId, payment.id))?.amountRefunded, 750);
        assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'refunded');
      });

      // PGlite runs one transaction at a time: a held lock would stop everything else there.
      it(
        "a refund begins while another settlement holds the order's lock (its key check does not wait on it)",
        backend.name === 'postgres' ? {} : { skip: 'PGlite serializes transactions: no lock to hold across calls' },
        async () => {
          const fx = repos();
          const { tenantId, order, payment } = await capturedPayment(fx);
          // What settle and settleRefund hold first; with FOR UPDATE, the refund's foreign key
          // check (FOR KEY SHARE on the order) would wait for it, and a settleRefund waiting for
          // the payment behind us would close the cycle.
          const release = await holdLocks(fx, (tx) => lockOrder(tx, tenantId, 'order', order.id));

          const refund = await beginRefundOf(fx, tenantId, payment.id, { amount: 5 });

          await release();
          assert.equal(refund.status, 'pending');
        },
      );
    });
  });
}
