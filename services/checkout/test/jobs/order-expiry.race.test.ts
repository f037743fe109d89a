import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@keelson/kit/errors';
import { expireOrders } from '../../src/app/orders/expire-orders.ts';
import type { OrderState } from '../../src/domain/order.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  beginPayment,
  charged,
  type DatabaseFixture,
  outboxRows,
  pendingOrder,
  placeOk,
  seedProduct,
  seedTenant,
  settlePaymentWith,
  stockOf,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

// The expiry job's use case on the real repositories: an unpaid order past expires_at (the
// fixtures place orders with a 60 s TTL) expires once, releasing its stock once, and never
// together with a payment of the same order: both take the order's lock, and one wins.

/** The expiry job as if it ran `aheadMs` from now. */
function expireAt(fx: DatabaseFixture, aheadMs = 61_000) {
  const at = new Date(Date.now() + aheadMs);
  return expireOrders({ orders: fx.orders, clock: { now: () => at } })(testContext(), { limit: 100 });
}

for (const backend of backends()) {
  describe(`order expiry (${backend.name})`, () => {
    const repos = useRepositories(backend);

    it('expires an unpaid order only once past expires_at, releasing its stock once', async () => {
      const fx = repos();
      const { tenantId, product, order } = await pendingOrder(fx);
      assert.equal((await expireAt(fx, 0)).expired, 0, 'not before expires_at');
      assert.equal(await stockOf(fx, tenantId, product.id), 7);

      const report = await expireAt(fx);
      assert.ok(report.expired >= 1);
      assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'expired');
      assert.equal(await stockOf(fx, tenantId, product.id), 10);
      // Run again, and by hand on the expired order: nothing moves twice.
      await expireAt(fx);
      await assert.rejects(
        fx.orders.update(testContext(), tenantId, order.id, (o) => o.expire(new Date(Date.now() + 61_000))),
        appError('order_not_expirable', 'conflict'),
      );
      assert.equal(await stockOf(fx, tenantId, product.id), 10);
      const expired = await outboxRows(fx, tenantId, 'order.expired');
      assert.deepEqual(
        expired.map((e) => e.aggregate_id),
        [order.id],
      );
    });

    it('leaves an order whose payment is pending; the payment then wins', async () => {
      const fx = repos();
      const { tenantId, product, order } = await pendingOrder(fx);
      const payment = await beginPayment(fx, tenantId, order.id);
      await expireAt(fx);
      assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'pending_payment');
      await settlePaymentWith(fx, tenantId, payment.id, charged(`pi_${payment.id}`));
      await expireAt(fx);
      assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.status, 'paid');
      assert.equal(await stockOf(fx, tenantId, product.id), 7, 'sold: nothing released');
      assert.deepEqual(await outboxRows(fx, tenantId, 'order.expired'), []);
    });

    it('an expired order cannot be paid', async () => {
      const fx = repos();
      const { tenantId, order } = await pendingOrder(fx);
      await expireAt(fx);
      await assert.rejects(beginPayment(fx, tenantId, order.id), appError('order_not_payable', 'conflict'));
    });

    it('racing payments against three expiry runs at once: one wins per order, stock released exactly once', async (t) => {
      const fx = repos();
      const tenantId = await seedTenant(fx);
      const product = await seedProduct(fx, tenantId, { stock: 100, unitAmount: 300 });
      const orders: OrderState[] = [];
      for (let i = 0; i < 12; i += 1)
        orders.push(await placeOk(fx, tenantId, [{ productId: product.id, quantity: 2 }]));

      const pay = async (order: OrderState) => {
        try {
          const begun = await beginPayment(fx, tenantId, order.id);
          return await settlePaymentWith(fx, tenantId, begun.id, charged(`pi_${begun.id}`));
        } catch (error) {
          // Expired first: refused before any payment row exists.
          if (isAppError(error) && error.code === 'order_not_payable') return undefined;
          throw error;
        }
      };
      // The runs expire oldest first while a customer pays newest first: they meet somewhere in
      // the middle, on an order both go for at once.
      const runs = [1, 2, 3].map(() => expireAt(fx));
      const payments = (async () => {
        const results = [];
        for (const order of [...orders].reverse()) results.push(await pay(order));
        return results;
      })();
      const [paid, reports] = await Promise.all([payments, Promise.all(runs)]);

      const paidIds = new Set(paid.filter((p) => p !== undefined).map((p) => p.orderId));
      const expiredEvents = (await outboxRows(fx, tenantId, 'order.expired')).map((e) => e.aggregate_id);
      const paidEvents = (await outboxRows(fx, tenantId, 'order.paid')).map((e) => e.aggregate_id);
      for (const order of orders) {
        const status = (await fx.orders.get(testContext(), tenantId, order.id))?.status;
        const expiredTimes = expiredEvents.filter((id) => id === order.id).length;
        const paidTimes = paidEvents.filter((id) => id === order.id).length;
        if (paidIds.has(order.id)) {
          assert.deepEqual([status, paidTimes, expiredTimes], ['paid', 1, 0], order.id);
        } else {
          assert.deepEqual([status, paidTimes, expiredTimes], ['expired', 0, 1], order.id);
        }
      }
      assert.equal(await stockOf(fx, tenantId, product.id), 100 - 2 * paidIds.size, 'each expired order released once');
      const expiredByRuns = reports.reduce((sum, r) => sum + r.expired, 0);
      assert.equal(expiredByRuns, orders.length - paidIds.size, 'the three runs expired each order once between them');
      t.diagnostic(`${paidIds.size} paid, ${orders.length - paidIds.size} expired`);
    });
  });
}
