import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc, runs } from '../../../../packages/kit/test/support/properties.ts';
import { maxAmount } from '../../src/domain/money.ts';
import {
  maxLineQuantity,
  maxOrderLines,
  Order,
  type PlaceOrderInput,
  type PlaceOrderOutcome,
  type RequestedLine,
} from '../../src/domain/order.ts';
import { type OrderStatus, orderStatuses } from '../../src/domain/order-status.ts';
import { Product, type ProductState } from '../../src/domain/product.ts';

const tenantId = 'ten_A';
const now = new Date('2030-01-01T00:00:00.000Z');
const ttlMs = 15 * 60_000;

function product(id: string, unitAmount: number, stock: number, currency = 'EUR'): ProductState {
  return Product.create({ id, tenantId, sku: `sku-${id}`, name: id, unitAmount, currency, stock, now }).product.state;
}

function catalog(...products: ProductState[]): ReadonlyMap<string, ProductState> {
  return new Map(products.map((p) => [p.id, p]));
}

function input(lines: readonly RequestedLine[], products: ReadonlyMap<string, ProductState>): PlaceOrderInput {
  return { id: 'ord_1', tenantId, lines, products, now, ttlMs };
}

function placed(outcome: PlaceOrderOutcome): Extract<PlaceOrderOutcome, { ok: true }> {
  if (!outcome.ok) assert.fail(`expected an order, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const apple = product('prod_apple', 250, 10);
const pear = product('prod_pear', 1_999, 3);

describe('Order.place', () => {
  it('snapshots unit prices, totals the lines and reserves exactly what was ordered', () => {
    const lines = [
      { productId: apple.id, quantity: 4 },
      { productId: pear.id, quantity: 3 },
    ];
    const { order, event, reserve } = placed(Order.place(input(lines, catalog(apple, pear))));
    assert.deepEqual(order.state, {
      id: 'ord_1',
      tenantId,
      status: 'pending_payment',
      currency: 'EUR',
      amountTotal: 4 * 250 + 3 * 1_999,
      lines: [
        { productId: apple.id, quantity: 4, unitAmount: 250 },
        { productId: pear.id, quantity: 3, unitAmount: 1_999 },
      ],
      version: 1,
      expiresAt: new Date(now.getTime() + ttlMs),
      createdAt: now,
      updatedAt: now,
    });
    assert.deepEqual(reserve, lines);
    assert.deepEqual(event, {
      type: 'order.created',
      aggregateType: 'order',
      aggregateId: 'ord_1',
      aggregateVersion: 1,
      occurredAt: now,
      data: order.state,
    });
  });

  it('totals Σ unit × quantity exactly, or rejects the order as amount_too_large', () => {
    const line = fc.record({
      unitAmount: fc.oneof(fc.nat({ max: 10_000 }), fc.nat({ max: maxAmount })),
      quantity: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: maxLineQuantity })),
      spareStock: fc.nat({ max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (generated) => {
        const products = generated.map((l, i) => product(`prod_${i}`, l.unitAmount, l.quantity + l.spareStock));
        const lines = generated.map((l, i) => ({ productId: `prod_${i}`, quantity: l.quantity }));
        const exactLines = generated.map((l) => BigInt(l.unitAmount) * BigInt(l.quantity));
        const exactTotal = exactLines.reduce((a, b) => a + b, 0n);
        const place = () => Order.place(input(lines, catalog(...products)));
        if (exactTotal > BigInt(maxAmount)) {
          assert.throws(place, { name: 'AppError', kind: 'invalid', code: 'amount_too_large' });
          return;
        }
        const { order, reserve } = placed(place());
        assert.equal(BigInt(order.state.amountTotal), exactTotal);
        assert.deepEqual(
          order.state.lines.map((l) => l.unitAmount),
          products.map((p) => p.unitAmount),
        );
        assert.deepEqual(reserve, lines);
      }),
      { numRuns: runs(300) },
    );
  });

  it('sets expiresAt to now + ttl', () => {
    const { order } = placed(
      Order.place({ ...input([{ productId: apple.id, quantity: 1 }], catalog(apple)), ttlMs: 1_234 }),
    );
    assert.equal(order.state.expiresAt.getTime(), now.getTime() + 1_234);
  });

  it('rejects lines in different currencies as mixed_currencies', () => {
    const dollars = product('prod_usd', 100, 5, 'USD');
    const lines = [
      { productId: apple.id, quantity: 1 },
      { productId: dollars.id, quantity: 1 },
    ];
    assert.throws(() => Order.place(input(lines, catalog(apple, dollars))), {
      kind: 'invalid',
      code: 'mixed_currencies',
    });
  });

  it('rejects the same product on two lines as duplicate_product', () => {
    const lines = [
      { productId: apple.id, quantity: 1 },
      { productId: apple.id, quantity: 2 },
    ];
    assert.throws(() => Order.place(input(lines, catalog(apple))), { kind: 'invalid', code: 'duplicate_product' });
  });

  it('rejects a product missing from the catalog as unknown_product', () => {
    const lines = [
      { productId: apple.id, quantity: 1 },
      { productId: 'prod_missing', quantity: 1 },
    ];
    assert.throws(() => Order.place(input(lines, catalog(apple))), { kind: 'invalid', code: 'unknown_product' });
  });

  it(`accepts 1 and ${maxOrderLines} lines but rejects 0 and ${maxOrderLines + 1} as invalid_request`, () => {
    const many = Array.from({ length: maxOrderLines + 1 }, (_, i) => product(`prod_${i}`, 1, 1));
    const linesOf = (n: number) => many.slice(0, n).map((p) => ({ productId: p.id, quantity: 1 }));
    assert.equal(placed(Order.place(input(linesOf(1), catalog(...many)))).order.state.lines.length, 1);
    assert.equal(
      placed(Order.place(input(linesOf(maxOrderLines), catalog(...many)))).order.state.lines.length,
      maxOrderLines,
    );
    for (const n of [0, maxOrderLines + 1]) {
      assert.throws(
        () => Order.place(input(linesOf(n), catalog(...many))),
        { kind: 'invalid', code: 'invalid_request' },
        `${n} lines`,
      );
    }
  });

  for (const quantity of [0, -1, 1.5, 1e7, maxLineQuantity + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`rejects quantity ${quantity} as invalid_request`, () => {
      const lines = [{ productId: apple.id, quantity }];
      assert.throws(() => Order.place(input(lines, catalog(apple))), { kind: 'invalid', code: 'invalid_request' });
    });
  }

  it(`accepts the largest quantity, ${maxLineQuantity}`, () => {
    const bulk = product('prod_bulk', 1, maxLineQuantity);
    const { order } = placed(Order.place(input([{ productId: bulk.id, quantity: maxLineQuantity }], catalog(bulk))));
    assert.equal(order.state.amountTotal, maxLineQuantity);
  });

  it('returns insufficient stock as data naming the first short product, without throwing', () => {
    const lines = [
      { productId: apple.id, quantity: 10 },
      { productId: pear.id, quantity: 4 },
    ];
    const outcome = Order.place(input(lines, catalog(apple, pear)));
    assert.deepEqual(outcome, { ok: false, reason: 'insufficient_stock', productId: pear.id, available: 3 });
  });

  it('places an order that takes exactly the remaining stock', () => {
    const outcome = Order.place(input([{ productId: pear.id, quantity: pear.stock }], catalog(pear)));
    assert.equal(outcome.ok, true);
  });
});

describe('Order lifecycle', () => {
  // An order rehydrated in any status at any version, then sent a random sequence of cancels
  // at increasing times.
  const scenario = fc.record({
    status: fc.constantFrom(...orderStatuses),
    version: fc.integer({ min: 1, max: 1_000 }),
    quantities: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 5 }),
    stepsMs: fc.array(fc.integer({ min: 1, max: 60_000 }), { maxLength: 6 }),
  });

  it('cancels only from pending_payment, bumps the version by one and releases the reserved lines exactly once', () => {
    fc.assert(
      fc.property(scenario, ({ status, version, quantities, stepsMs }) => {
        const products = quantities.map((q, i) => product(`prod_${i}`, 100, q));
        const lines = quantities.map((quantity, i) => ({ productId: `prod_${i}`, quantity }));
        const { order: fresh } = placed(Order.place(input(lines, catalog(...products))));
        let order = Order.fromRow({ ...fresh.state, status, version });
        const released = new Map<string, number>();
        let at = now.getTime();

        for (const stepMs of stepsMs) {
          at += stepMs;
          const before = structuredClone(order.state);
          if (before.status !== 'pending_payment') {
            assert.throws(() => order.cancel(new Date(at)), {
              name: 'AppError',
              kind: 'conflict',
              code: 'order_not_cancellable',
            });
            assert.deepEqual(order.state, before, 'a failed transition changed the order');
            continue;
          }
          const transition = order.cancel(new Date(at));
          const next = transition.order.state;
          assert.deepEqual(order.state, before, 'the original order was mutated');
          assert.equal(next.status, 'cancelled');
          assert.equal(next.version, before.version + 1);
          assert.equal(next.updatedAt.getTime(), at);
          assert.deepEqual(
            { ...next, status: before.status, version: before.version, updatedAt: before.updatedAt },
            before,
          );
          assert.deepEqual(transition.event, {
            type: 'order.cancelled',
            aggregateType: 'order',
            aggregateId: before.id,
            aggregateVersion: next.version,
            occurredAt: new Date(at),
            data: next,
          });
          assert.ok(transition.release.length > 0, 'a cancel gives the reserved stock back');
          for (const move of transition.release)
            released.set(move.productId, (released.get(move.productId) ?? 0) + move.quantity);
          order = transition.order;
        }

        const cancelled = order.state.status === 'cancelled' && status === 'pending_payment';
        const expected = cancelled ? new Map(lines.map((l) => [l.productId, l.quantity])) : new Map<string, number>();
        assert.deepEqual(released, expected);
        assert.equal(order.state.version, version + (cancelled ? 1 : 0));
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('Order payment and refund transitions', () => {
  const pending = () => placed(Order.place(input([{ productId: apple.id, quantity: 4 }], catalog(apple)))).order;
  const later = new Date(now.getTime() + 5_000);

  it('pays a pending order: paid, version + 1, order.paid, and the reservation consumed, not released', () => {
    const order = pending();
    const { order: paid, event, release } = order.pay(later);

    assert.deepEqual(paid.state, { ...order.state, status: 'paid', version: 2, updatedAt: later });
    assert.deepEqual(release, [], 'paying must not give the sold stock back');
    assert.deepEqual(event, {
      type: 'order.paid',
      aggregateType: 'order',
      aggregateId: order.state.id,
      aggregateVersion: 2,
      occurredAt: later,
      data: paid.state,
    });
  });

  it('refunds a paid order in part, again in part, then fully, never releasing stock', () => {
    const paid = pending().pay(later).order;
    const first = paid.refund(false, later);
    const second = first.order.refund(false, later);
    const last = second.order.refund(true, later);

    assert.deepEqual(
      [first, second, last].map((t) => [t.order.state.status, t.event.type, t.release.length, t.order.state.version]),
      [
        ['partially_refunded', 'order.partially_refunded', 0, 3],
        ['partially_refunded', 'order.partially_refunded', 0, 4],
        ['refunded', 'order.refunded', 0, 5],
      ],
    );
  });

  // Written from ARCHITECTURE.md §3, independently of the lifecycle table.
  type Intent =
    | { readonly kind: 'cancel' }
    | { readonly kind: 'pay' }
    | { readonly kind: 'refund'; readonly fully: boolean }
    | { readonly kind: 'fulfill' };
  const paidOnce: readonly OrderStatus[] = ['paid', 'fulfilled', 'partially_refunded', 'refunded'];
  function expected(status: OrderStatus, intent: Intent): { to: OrderStatus; release: boolean } | { refused: string } {
    switch (intent.kind) {
      case 'cancel':
        return status === 'pending_payment' ? { to: 'cancelled', release: true } : { refused: 'order_not_cancellable' };
      case 'pay':
        if (status === 'pending_payment') return { to: 'paid', release: false };
        return { refused: paidOnce.includes(status) ? 'order_already_paid' : 'order_not_payable' };
      case 'refund':
        return status === 'paid' || status === 'partially_refunded' || status === 'fulfilled'
          ? { to: intent.fully ? 'refunded' : 'partially_refunded', release: false }
          : { refused: 'order_not_refundable' };
      case 'fulfill':
        return status === 'paid' ? { to: 'fulfilled', release: false } : { refused: 'order_not_fulfillable' };
    }
  }
  const intent: fc.Arbitrary<Intent> = fc.oneof(
    fc.constant({ kind: 'cancel' } as const),
    fc.constant({ kind: 'pay' } as const),
    fc.constant({ kind: 'fulfill' } as const),
    fc.boolean().map((fully) => ({ kind: 'refund', fully }) as const),
  );

  it('follows the lifecycle along any sequence of intentions, and only a cancel releases stock', () => {
    fc.assert(
      fc.property(fc.constantFrom(...orderStatuses), fc.array(intent, { maxLength: 8 }), (status, intents) => {
        let order = Order.fromRow({ ...pending().state, status });
        for (const next of intents) {
          const before = order.state;
          const want = expected(before.status, next);
          const run = () =>
            next.kind === 'cancel'
              ? order.cancel(later)
              : next.kind === 'pay'
                ? order.pay(later)
                : next.kind === 'fulfill'
                  ? order.fulfill(later)
                  : order.refund(next.fully, later);
          if ('refused' in want) {
            assert.throws(run, { name: 'AppError', kind: 'conflict', code: want.refused });
            assert.equal(order.state, before);
            continue;
          }
          const transition = run();
          assert.equal(transition.order.state.status, want.to);
          assert.equal(transition.order.state.version, before.version + 1);
          assert.equal(transition.event.type, `order.${want.to}`);
          assert.deepEqual(
            transition.release,
            want.release ? before.lines.map(({ productId, quantity }) => ({ productId, quantity })) : [],
          );
          order = transition.order;
        }
      }),
      { numRuns: runs(300) },
    );
  });
});

describe('Order.expire', () => {
  const pending = () => placed(Order.place(input([{ productId: apple.id, quantity: 4 }], catalog(apple)))).order;
  const expiry = new Date(now.getTime() + ttlMs);

  it('expires a pending order from expires_at on: expired, order.expired, the reserved lines released once', () => {
    const order = pending();
    const { order: expired, event, release } = order.expire(expiry);
    assert.deepEqual(expired.state, { ...order.state, status: 'expired', version: 2, updatedAt: expiry });
    assert.deepEqual(release, [{ productId: apple.id, quantity: 4 }]);
    assert.equal(event.type, 'order.expired');
    assert.throws(() => expired.expire(expiry), { code: 'order_not_expirable', kind: 'conflict' });
  });

  it('refuses before expires_at, and once paid or cancelled', () => {
    assert.throws(() => pending().expire(new Date(expiry.getTime() - 1)), { code: 'order_not_expirable' });
    const paid = pending().pay(now).order;
    assert.throws(() => paid.expire(expiry), { code: 'order_not_expirable' });
    const cancelled = pending().cancel(now).order;
    assert.throws(() => cancelled.expire(expiry), { code: 'order_not_expirable' });
  });
});
