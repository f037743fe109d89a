import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Order, type PlaceOrderOutcome } from '../../src/domain/order.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  cancel,
  type DatabaseFixture,
  holdLocks,
  outboxRows,
  pendingOrder,
  place,
  placeOk,
  seedProduct,
  seedTenant,
  snapshot,
  sqlScope,
  sqlState,
  stockOf,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

type PlacedOutcome = Extract<PlaceOrderOutcome, { ok: true }>;

/** Waits until `count` backends of this database are blocked on a lock (PostgreSQL only). */
async function waitForLockWaiters(fx: DatabaseFixture, count: number): Promise<void> {
  const until = Date.now() + 5_000;
  for (;;) {
    const waiting = await fx.db.transaction(sqlScope(), async (tx) => {
      const { rows } = await tx.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      return rows[0]?.n ?? 0;
    });
    if (waiting >= count) return;
    if (Date.now() > until) assert.fail(`expected ${count} lock waiters, saw ${waiting}`);
    await sleep(10);
  }
}

for (const backend of backends()) {
  describe(`OrderRepository contract on ${backend.name}: failures and races`, () => {
    const repos = useRepositories(backend);

    // STYLE rule 16: force a failure right after each side effect and prove it was undone.
    describe('rollback after a side effect', () => {
      it('undoes the stock reservation when the order insert fails after it (primary key collision)', async () => {
        const fx = repos();
        const { tenantId, product, order } = await pendingOrder(fx);
        const before = await snapshot(fx, tenantId);

        // Same id as an existing order: INSERT INTO orders, the first write, fails.
        await assert.rejects(
          place(fx, tenantId, [{ productId: product.id, quantity: 2 }], { id: order.id }),
          sqlState('23505'),
        );

        assert.deepEqual(await snapshot(fx, tenantId), before);
        assert.equal(await stockOf(fx, tenantId, product.id), 7);
      });

      /**
       * Places 4 of a product with stock 10 through `rewrite` (given each decision and which call
       * it is: 1 on the unlocked read, 2 on the locked rows) and expects `rejection`, the tenant
       * unchanged and the stock whole.
       */
      async function assertPlacementRollsBack(
        rewrite: (placed: PlacedOutcome, call: number, productId: string) => PlaceOrderOutcome,
        rejection: RegExp | ((error: unknown) => true),
      ): Promise<void> {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 10 });
        const before = await snapshot(fx, tenantId);
        const lines = [{ productId: product.id, quantity: 4 }];
        const id = fx.newId('ord');
        let calls = 0;
        await assert.rejects(
          fx.orders.place(testContext(), tenantId, lines, (products) => {
            calls += 1;
            const outcome = Order.place({ id, tenantId, lines, products, now: new Date(), ttlMs: 60_000 });
            return outcome.ok ? rewrite(outcome, calls, product.id) : outcome;
          }),
          rejection,
        );
        assert.deepEqual(await snapshot(fx, tenantId), before);
        assert.equal(await stockOf(fx, tenantId, product.id), 10);
      }

      it('undoes stock, order and lines when the outbox insert, the last write, fails', () =>
        // aggregate_version is an int4 column: 2^31 passes the domain but fails the INSERT INTO outbox.
        assertPlacementRollsBack(
          (placed) => ({ ...placed, event: { ...placed.event, aggregateVersion: 2 ** 31 } }),
          sqlState('22003'),
        ));

      it('undoes the order when the stock reservation fails after it', () =>
        // The decision written (the first, on the unlocked read) asks to reserve more than there
        // is: the conditional decrement matches no row after the order was written.
        assertPlacementRollsBack(
          (placed, call, productId) => (call === 1 ? { ...placed, reserve: [{ productId, quantity: 11 }] } : placed),
          /lost a race it cannot lose/,
        ));

      it('undoes stock and order when the lines insert fails after them', () =>
        // unit_amount is int8: 2^63 passes the domain but fails INSERT INTO order_lines, which
        // runs after the stock was reserved.
        assertPlacementRollsBack((placed) => {
          const state = placed.order.state;
          const overflowing = state.lines.map((line) => ({ ...line, unitAmount: 2 ** 63 }));
          return { ...placed, order: Order.fromRow({ ...state, lines: overflowing }) };
        }, sqlState('22003')));

      it('a price that moves on every late attempt ends in one lock-first placement, written once', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 10 });
        const lines = [{ productId: product.id, quantity: 4 }];
        const id = fx.newId('ord');
        let calls = 0;

        // Each late attempt decides twice (unlocked, then locked); the locked decision is made to
        // differ every time, as if the product were re-priced in between, three times running.
        const outcome = await fx.orders.place(testContext(), tenantId, lines, (products) => {
          calls += 1;
          const placed = Order.place({ id, tenantId, lines, products, now: new Date(), ttlMs: 60_000 });
          if (!placed.ok || calls > 6 || calls % 2 === 1) return placed;
          const state = placed.order.state;
          const repriced = state.lines.map((line) => ({ ...line, unitAmount: line.unitAmount + calls }));
          return { ...placed, order: Order.fromRow({ ...state, lines: repriced }) };
        });

        assert.equal(calls, 7, 'three late attempts of two decisions, then one lock-first');
        assert.equal(outcome.ok, true);
        assert.equal(await stockOf(fx, tenantId, product.id), 6, 'reserved once');
        assert.equal((await fx.orders.get(testContext(), tenantId, id))?.amountTotal, product.unitAmount * 4);
        assert.equal((await outboxRows(fx, tenantId, 'order.created')).length, 1);
      });

      it('keeps the order and its reservation when the cancel fails after releasing stock', async () => {
        const fx = repos();
        const { tenantId, product, order } = await pendingOrder(fx);
        const before = await snapshot(fx, tenantId);

        await assert.rejects(
          fx.orders.update(testContext(), tenantId, order.id, (o) => {
            const t = o.cancel(new Date());
            return { ...t, event: { ...t.event, aggregateVersion: 2 ** 31 } };
          }),
          sqlState('22003'),
        );
        assert.deepEqual(await snapshot(fx, tenantId), before);

        // A later, successful cancel releases the stock exactly once.
        await fx.orders.update(testContext(), tenantId, order.id, cancel);
        assert.equal(await stockOf(fx, tenantId, product.id), 10);
        assert.equal((await outboxRows(fx, tenantId, 'order.cancelled')).length, 1);
      });

      it('changes nothing when the transition closure throws', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        const before = await snapshot(fx, tenantId);

        await assert.rejects(
          fx.orders.update(testContext(), tenantId, order.id, () => {
            throw new Error('transition refused');
          }),
          /transition refused/,
        );

        assert.deepEqual(await snapshot(fx, tenantId), before);
      });
    });

    describe('concurrency', () => {
      it('50 concurrent single-unit orders on stock 10: exactly 10 placed, 40 insufficient, stock 0', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 10 });

        const outcomes = await Promise.all(
          Array.from({ length: 50 }, () => place(fx, tenantId, [{ productId: product.id, quantity: 1 }])),
        );

        assert.equal(outcomes.filter((o) => o.ok).length, 10);
        assert.equal(outcomes.filter((o) => !o.ok && o.reason === 'insufficient_stock').length, 40);
        assert.equal(await stockOf(fx, tenantId, product.id), 0);
        const events = await outboxRows(fx, tenantId, 'order.created');
        assert.equal(events.length, 10);
        assert.equal(new Set(events.map((e) => e.aggregate_id)).size, 10);
        const orders = await fx.orders.list(testContext(), tenantId, { limit: 100 });
        assert.equal(orders.items.length, 10);
      });

      it('20 concurrent cancels of one order: one succeeds, 19 order_not_cancellable, stock released once', async () => {
        const fx = repos();
        const { tenantId, product, order } = await pendingOrder(fx);

        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => fx.orders.update(testContext(), tenantId, order.id, cancel)),
        );

        const rejected = results.filter((r) => r.status === 'rejected');
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        assert.equal(rejected.length, 19);
        for (const r of rejected) appError('order_not_cancellable', 'conflict')(r.reason);
        assert.equal(await stockOf(fx, tenantId, product.id), 10);
        assert.equal((await outboxRows(fx, tenantId, 'order.cancelled')).length, 1);
        assert.equal((await fx.orders.get(testContext(), tenantId, order.id))?.version, 2);
      });

      // PGlite runs one transaction at a time, so lock-order interleavings cannot happen there.
      it(
        'a cancel and a place over the same products in opposite line order do not deadlock',
        backend.name === 'postgres' ? {} : { skip: 'PGlite serializes transactions: no lock interleaving to test' },
        async () => {
          const fx = repos();
          const tenantId = await seedTenant(fx);
          const a = await seedProduct(fx, tenantId, { stock: 10 });
          const b = await seedProduct(fx, tenantId, { stock: 10 });
          // Lines listed b, a: the reverse of the id order place locks in.
          const order = await placeOk(fx, tenantId, [
            { productId: b.id, quantity: 1 },
            { productId: a.id, quantity: 1 },
          ]);
          let release = () => {};
          const released = new Promise<void>((resolve) => {
            release = resolve;
          });
          let locked = () => {};
          const isLocked = new Promise<void>((resolve) => {
            locked = resolve;
          });
          const holder = fx.db.transaction(sqlScope(), async (tx) => {
            await tx.query('SELECT 1 FROM products WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, a.id]);
            locked();
            await released;
          });
          await isLocked;

          // place writes its order row and waits on the holder at its lock of a (id order first);
          // cancel then queues for a too (it releases stock locking in id order as well).
          const placing = place(fx, tenantId, [
            { productId: a.id, quantity: 1 },
            { productId: b.id, quantity: 1 },
          ]);
          await waitForLockWaiters(fx, 1);
          const cancelling = fx.orders.update(testContext(), tenantId, order.id, cancel);
          await waitForLockWaiters(fx, 2);
          release();
          await holder;
          const [placed, cancelled] = await Promise.allSettled([placing, cancelling]);

          assert.equal(placed.status, 'fulfilled', placed.status === 'rejected' ? String(placed.reason) : '');
          assert.equal(cancelled.status, 'fulfilled', cancelled.status === 'rejected' ? String(cancelled.reason) : '');
          assert.equal(await stockOf(fx, tenantId, a.id), 9);
          assert.equal(await stockOf(fx, tenantId, b.id), 9);
        },
      );

      /**
       * Changes the product in a transaction left open (as a concurrent placement or edit would),
       * so its row lock is held while `place` reads the old, committed row, writes, and queues for
       * the lock; the change commits with the release, and the placement's locked read sees it.
       */
      async function overtake(fx: DatabaseFixture, tenantId: string, productId: string, change: string) {
        const release = await holdLocks(fx, (tx) =>
          tx.query(`UPDATE products SET ${change} WHERE tenant_id = $1 AND id = $2`, [tenantId, productId]),
        );
        const placing = place(fx, tenantId, [{ productId, quantity: 2 }]);
        // The placement's order row is written; it waits for the product's lock.
        await waitForLockWaiters(fx, 1);
        await release();
        return placing;
      }

      it(
        'stock taken between the unlocked read and the lock: nothing written, the shortfall answered',
        backend.name === 'postgres' ? {} : { skip: 'PGlite serializes transactions: no lock to hold across calls' },
        async () => {
          const fx = repos();
          const tenantId = await seedTenant(fx);
          const product = await seedProduct(fx, tenantId, { stock: 5 });
          const before = await snapshot(fx, tenantId);

          const outcome = await overtake(fx, tenantId, product.id, 'stock = 1');

          assert.deepEqual(outcome, { ok: false, reason: 'insufficient_stock', productId: product.id, available: 1 });
          assert.equal(await stockOf(fx, tenantId, product.id), 1);
          // Put the holder's change back: what is left must be the tenant as it was (no order,
          // no lines, no event).
          await fx.db.transaction(sqlScope(), (tx) =>
            tx.query('UPDATE products SET stock = 5 WHERE tenant_id = $1 AND id = $2', [tenantId, product.id]),
          );
          assert.deepEqual(await snapshot(fx, tenantId), before);
        },
      );

      it(
        'a price changed between the unlocked read and the lock: the order is placed at the locked price',
        backend.name === 'postgres' ? {} : { skip: 'PGlite serializes transactions: no lock to hold across calls' },
        async () => {
          const fx = repos();
          const tenantId = await seedTenant(fx);
          const product = await seedProduct(fx, tenantId, { stock: 5 });
          const repriced = product.unitAmount + 100;

          const outcome = await overtake(fx, tenantId, product.id, `unit_amount = ${repriced}`);

          assert.equal(outcome.ok, true);
          const order = outcome.ok ? outcome.order.state : assert.fail('not placed');
          assert.deepEqual(
            order.lines.map((line) => line.unitAmount),
            [repriced],
          );
          assert.equal(order.amountTotal, repriced * 2);
          assert.equal(await stockOf(fx, tenantId, product.id), 3);
          const stored = await fx.orders.get(testContext(), tenantId, order.id);
          assert.equal(stored?.amountTotal, repriced * 2);
          assert.equal((await outboxRows(fx, tenantId, 'order.created')).length, 1);
        },
      );
    });
  });
}
