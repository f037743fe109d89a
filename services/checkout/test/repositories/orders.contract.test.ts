import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createOrderPgRepository } from '../../src/adapters/postgres/order.pg-repository.ts';
import type { Order, OrderState } from '../../src/domain/order.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  cancel,
  countingDatabase,
  outboxRows,
  pendingOrder,
  place,
  placeOk,
  repositoryBackends,
  seedProduct,
  seedTenant,
  snapshot,
  stockOf,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

for (const backend of repositoryBackends()) {
  describe(`OrderRepository contract on ${backend.name}`, () => {
    const repos = useRepositories(backend);

    it('lists unpaid orders due for expiry across tenants, oldest expiry first, up to the limit', async () => {
      const fx = repos();
      // Placed in 2001 (60 s TTL): older than any other test's orders in the shared database.
      const at = (minute: number) => new Date(Date.UTC(2001, 0, 1, 0, minute));
      const placedAt = async (tenantId: string, productId: string, minute: number) => {
        const outcome = await place(fx, tenantId, [{ productId, quantity: 1 }], { now: at(minute) });
        return outcome.ok ? outcome.order.state : assert.fail('not placed');
      };
      const t1 = await seedTenant(fx);
      const t2 = await seedTenant(fx);
      const p1 = await seedProduct(fx, t1, { stock: 10 });
      const p2 = await seedProduct(fx, t2, { stock: 10 });
      const late = await placedAt(t1, p1.id, 3);
      const early = await placedAt(t2, p2.id, 1);
      const cancelled = await placedAt(t1, p1.id, 0);
      await fx.orders.update(testContext(), t1, cancelled.id, cancel);
      const notYet = await placedAt(t2, p2.id, 30);

      const scan = (limit: number) => fx.orders.listDueForExpiry(testContext(), { dueBy: at(10), limit });
      assert.deepEqual(await scan(10), [
        { tenantId: t2, id: early.id },
        { tenantId: t1, id: late.id },
      ]);
      assert.deepEqual(await scan(1), [{ tenantId: t2, id: early.id }]);
      assert.ok(!(await scan(10)).some((o) => o.id === notYet.id));
    });

    describe('place', () => {
      it('reserves stock and writes the order, its lines in request order with price snapshots, and one event', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        // Created in this order, so ids sort a < b < c; the request lists them c, a, b.
        const a = await seedProduct(fx, tenantId, { unitAmount: 12_345_678_901, stock: 5 });
        const b = await seedProduct(fx, tenantId, { unitAmount: 100, stock: 5 });
        const c = await seedProduct(fx, tenantId, { unitAmount: 7, stock: 5 });
        const now = new Date('2025-06-01T10:00:00.123Z');
        const lines = [
          { productId: c.id, quantity: 1 },
          { productId: a.id, quantity: 3 },
          { productId: b.id, quantity: 5 },
        ];

        const outcome = await place(fx, tenantId, lines, { now });

        if (!outcome.ok) assert.fail(`expected ok, got ${JSON.stringify(outcome)}`);
        const placed = outcome.order.state;
        const stored = await fx.orders.get(testContext(), tenantId, placed.id);
        assert.deepEqual(stored, placed);
        assert.deepEqual(stored?.lines, [
          { productId: c.id, quantity: 1, unitAmount: 7 },
          { productId: a.id, quantity: 3, unitAmount: 12_345_678_901 },
          { productId: b.id, quantity: 5, unitAmount: 100 },
        ]);
        assert.equal(stored?.amountTotal, 7 + 3 * 12_345_678_901 + 500);
        assert.equal(typeof stored?.amountTotal, 'number');
        assert.equal(stored?.status, 'pending_payment');
        assert.deepEqual(stored?.createdAt, now);
        assert.deepEqual(
          [await stockOf(fx, tenantId, a.id), await stockOf(fx, tenantId, b.id), await stockOf(fx, tenantId, c.id)],
          [2, 0, 4],
        );
        const events = await outboxRows(fx, tenantId, 'order.created');
        assert.equal(events.length, 1);
        assert.equal(events[0]?.aggregate_type, 'order');
        assert.equal(events[0]?.aggregate_id, placed.id);
        assert.equal(events[0]?.aggregate_version, 1);
        assert.equal(events[0]?.data_kind, 'object');
      });

      it('records the Idempotency-Key with the order: found by it, never placed twice under it', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 5 });
        const lines = [{ productId: product.id, quantity: 1 }];
        assert.equal(await fx.orders.findByIdempotencyKey(testContext(), tenantId, 'k-1'), undefined);
        const first = await place(fx, tenantId, lines, { idempotencyKey: 'k-1' });
        if (!first.ok) assert.fail('expected the order to be placed');
        assert.deepEqual(await fx.orders.findByIdempotencyKey(testContext(), tenantId, 'k-1'), first.order.state);
        const before = await snapshot(fx, tenantId);
        await assert.rejects(
          place(fx, tenantId, lines, { idempotencyKey: 'k-1' }),
          appError('idempotency_request_in_progress', 'conflict'),
        );
        assert.deepEqual(await snapshot(fx, tenantId), before, 'the second attempt changed nothing');
        // Keys belong to their tenant.
        const other = await seedTenant(fx);
        assert.equal(await fx.orders.findByIdempotencyKey(testContext(), other, 'k-1'), undefined);
      });

      it('keeps the unit price snapshot when the product price changes later', async () => {
        const fx = repos();
        const { tenantId, product, order } = await pendingOrder(fx);

        await fx.products.update(testContext(), tenantId, product.id, (p) =>
          p.change({ unitAmount: 999 }, p.state.version, new Date()),
        );

        const stored = await fx.orders.get(testContext(), tenantId, order.id);
        assert.equal(stored?.lines[0]?.unitAmount, 250);
        assert.equal(stored?.amountTotal, 750);
      });

      it('returns insufficient stock as data and writes nothing', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const plenty = await seedProduct(fx, tenantId, { stock: 10 });
        const scarce = await seedProduct(fx, tenantId, { stock: 2 });
        const before = await snapshot(fx, tenantId);

        const outcome = await place(fx, tenantId, [
          { productId: plenty.id, quantity: 1 },
          { productId: scarce.id, quantity: 3 },
        ]);

        assert.deepEqual(outcome, { ok: false, reason: 'insufficient_stock', productId: scarce.id, available: 2 });
        assert.deepEqual(await snapshot(fx, tenantId), before);
      });

      it("cannot order another tenant's product: it is unknown_product and nothing is written", async () => {
        const fx = repos();
        const [mine, theirs] = [await seedTenant(fx), await seedTenant(fx)];
        const foreign = await seedProduct(fx, theirs, { stock: 5 });
        const [beforeMine, beforeTheirs] = [await snapshot(fx, mine), await snapshot(fx, theirs)];

        await assert.rejects(place(fx, mine, [{ productId: foreign.id, quantity: 1 }]), appError('unknown_product'));

        assert.deepEqual(await snapshot(fx, mine), beforeMine);
        assert.deepEqual(await snapshot(fx, theirs), beforeTheirs);
      });
    });

    describe('get and list', () => {
      it("does not see another tenant's order", async () => {
        const fx = repos();
        const { order } = await pendingOrder(fx);
        const stranger = await seedTenant(fx);

        assert.equal(await fx.orders.get(testContext(), stranger, order.id), undefined);
        assert.equal((await fx.orders.list(testContext(), stranger, { limit: 10 })).items.length, 0);
      });

      it('lists newest first with lines, filters by status and reports has_more', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 100 });
        const orders: OrderState[] = [];
        for (let i = 0; i < 5; i += 1)
          orders.push(await placeOk(fx, tenantId, [{ productId: product.id, quantity: 1 }]));
        const [o0, o1, o2, o3, o4] = orders.map((o) => o.id);
        for (const id of [o1, o3]) await fx.orders.update(testContext(), tenantId, id ?? '', cancel);

        const all = await fx.orders.list(testContext(), tenantId, { limit: 10 });
        const pending = await fx.orders.list(testContext(), tenantId, { limit: 2, status: 'pending_payment' });
        const cancelled = await fx.orders.list(testContext(), tenantId, { limit: 2, status: 'cancelled' });

        assert.deepEqual(
          all.items.map((o) => o.id),
          [o4, o3, o2, o1, o0],
        );
        assert.equal(all.hasMore, false);
        assert.ok(all.items.every((o) => o.lines.length === 1 && o.lines[0]?.productId === product.id));
        assert.deepEqual(
          pending.items.map((o) => [o.id, o.status]),
          [
            [o4, 'pending_payment'],
            [o2, 'pending_payment'],
          ],
        );
        assert.equal(pending.hasMore, true);
        assert.deepEqual(
          cancelled.items.map((o) => o.id),
          [o3, o1],
        );
        assert.equal(cancelled.hasMore, false);
      });

      it('lists each order with all its lines in line order, exactly as get returns it', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const [cheap, dear] = [
          await seedProduct(fx, tenantId, { unitAmount: 5 }),
          await seedProduct(fx, tenantId, { unitAmount: 12_345_678_901 }),
        ];
        // Lines in request order, not product order, so only line order can put them back.
        const lines = [
          { productId: dear.id, quantity: 1 },
          { productId: cheap.id, quantity: 2 },
        ];
        const older = await placeOk(fx, tenantId, lines);
        const newer = await placeOk(fx, tenantId, [{ productId: cheap.id, quantity: 3 }]);

        const page = await fx.orders.list(testContext(), tenantId, { limit: 10 });

        assert.deepEqual(page, { items: [newer, older], hasMore: false });
        assert.deepEqual(page.items, [
          await fx.orders.get(testContext(), tenantId, newer.id),
          await fx.orders.get(testContext(), tenantId, older.id),
        ]);
        assert.equal(typeof page.items[1]?.lines[0]?.unitAmount, 'number');
      });

      it('pages with starting_after, also combined with a status filter', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 100 });
        const ids: string[] = [];
        for (let i = 0; i < 7; i += 1)
          ids.push((await placeOk(fx, tenantId, [{ productId: product.id, quantity: 1 }])).id);
        await fx.orders.update(testContext(), tenantId, ids[0] ?? '', cancel);

        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await fx.orders.list(
            testContext(),
            tenantId,
            cursor === undefined ? { limit: 3 } : { limit: 3, startingAfter: cursor },
          );
          seen.push(...page.items.map((o) => o.id));
          cursor = page.hasMore ? page.items.at(-1)?.id : undefined;
        } while (cursor !== undefined);
        // The cursor may name an order of any status; the filter applies to what follows it.
        const cancelledAfter = await fx.orders.list(testContext(), tenantId, {
          limit: 3,
          status: 'cancelled',
          startingAfter: ids[3] ?? '',
        });

        assert.deepEqual(seen, ids.toReversed());
        assert.deepEqual(
          cancelledAfter.items.map((o) => o.id),
          [ids[0]],
        );
      });

      it('rejects a malformed, product or foreign cursor as invalid_cursor', async () => {
        const fx = repos();
        const { tenantId } = await pendingOrder(fx);
        const { order: foreign, product } = await pendingOrder(fx);

        for (const startingAfter of ['ord_nope', product.id, foreign.id, fx.newId('ord')]) {
          await assert.rejects(
            fx.orders.list(testContext(), tenantId, { limit: 10, startingAfter }),
            appError('invalid_cursor', 'invalid'),
            startingAfter,
          );
        }
      });
    });

    describe('update', () => {
      it('cancels: bumps the version, releases stock exactly once and appends order.cancelled', async () => {
        const fx = repos();
        const { tenantId, product, order } = await pendingOrder(fx);
        assert.equal(await stockOf(fx, tenantId, product.id), 7);
        const at = new Date(order.createdAt.getTime() + 1_000);

        const cancelled = await fx.orders.update(testContext(), tenantId, order.id, (o) => o.cancel(at));

        assert.deepEqual(cancelled, { ...order, status: 'cancelled', version: 2, updatedAt: at });
        assert.deepEqual(await fx.orders.get(testContext(), tenantId, order.id), cancelled);
        assert.equal(await stockOf(fx, tenantId, product.id), 10);
        const events = await outboxRows(fx, tenantId, 'order.cancelled');
        assert.equal(events.length, 1);
        assert.equal(events[0]?.aggregate_id, order.id);
        assert.equal(events[0]?.aggregate_version, 2);
        assert.deepEqual(events[0]?.occurred_at, at);
      });

      it('refuses a second cancel with order_not_cancellable and does not release stock again', async () => {
        const fx = repos();
        const { tenantId, order } = await pendingOrder(fx);
        await fx.orders.update(testContext(), tenantId, order.id, cancel);
        const before = await snapshot(fx, tenantId);

        await assert.rejects(
          fx.orders.update(testContext(), tenantId, order.id, cancel),
          appError('order_not_cancellable', 'conflict'),
        );

        assert.deepEqual(await snapshot(fx, tenantId), before);
      });

      it('reports a missing or foreign order as order_not_found without running the transition', async () => {
        const fx = repos();
        const { order } = await pendingOrder(fx);
        const { tenantId: stranger } = await pendingOrder(fx);
        let ran = false;
        const spy = (o: Order) => {
          ran = true;
          return cancel(o);
        };

        await assert.rejects(
          fx.orders.update(testContext(), stranger, order.id, spy),
          appError('order_not_found', 'not_found'),
        );
        await assert.rejects(
          fx.orders.update(testContext(), stranger, fx.newId('ord'), spy),
          appError('order_not_found', 'not_found'),
        );
        assert.equal(ran, false);
      });
    });
  });
}

for (const backend of backends()) {
  describe(`OrderRepository list on ${backend.name}: one statement, exact amounts`, () => {
    const repos = useRepositories(backend);

    it('checks the cursor and reads the page with its lines in a single autocommit statement', async () => {
      const fx = repos();
      const counting = countingDatabase(fx.db);
      const orders = createOrderPgRepository(counting.db, fx.newId);
      const tenantId = await seedTenant(fx);
      const [a, b] = [await seedProduct(fx, tenantId), await seedProduct(fx, tenantId, { unitAmount: 12_345_678_901 })];
      const older = await placeOk(fx, tenantId, [
        { productId: b.id, quantity: 2 },
        { productId: a.id, quantity: 1 },
      ]);
      const placed = await placeOk(fx, tenantId, [{ productId: a.id, quantity: 3 }]);
      const newer = await fx.orders.update(testContext(), tenantId, placed.id, cancel);
      const { order: foreign } = await pendingOrder(fx);

      const all = await orders.list(testContext(), tenantId, { limit: 5 });
      counting.assertSent(1, 'a page of orders with their lines');
      // The cursor names a cancelled order, outside the filter: it still names one of the tenant's.
      const pendingAfter = await orders.list(testContext(), tenantId, {
        limit: 1,
        status: 'pending_payment',
        startingAfter: newer.id,
      });
      counting.assertSent(1, 'a filtered page after a cursor');
      const past = await orders.list(testContext(), tenantId, { limit: 1, startingAfter: older.id });
      counting.assertSent(1, 'an empty page');
      // A product id is refused by its shape, before any SQL runs.
      const refused = [
        [foreign.id, 1],
        [a.id, 0],
      ] as const;
      for (const [startingAfter, sent] of refused) {
        await assert.rejects(
          orders.list(testContext(), tenantId, { limit: 1, startingAfter }),
          appError('invalid_cursor'),
        );
        counting.assertSent(sent, `the cursor ${startingAfter}`);
      }

      assert.deepEqual(all, { items: [newer, older], hasMore: false });
      assert.deepEqual(pendingAfter, { items: [older], hasMore: false });
      assert.deepEqual(past, { items: [], hasMore: false });
    });

    it('refuses a line amount a number cannot hold exactly, on either engine, rather than rounding it', async () => {
      const fx = repos();
      const { tenantId, order } = await pendingOrder(fx);
      // Behind the domain's back: 2^53 + 1 would read back as 2^53.
      await fx.db.query(testContext(), 'UPDATE order_lines SET unit_amount = 9007199254740993 WHERE order_id = $1', [
        order.id,
      ]);

      await assert.rejects(fx.orders.list(testContext(), tenantId, { limit: 10 }), RangeError);
    });
  });
}
