import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fc, runs } from '../../../../packages/kit/test/support/properties.ts';
import {
  canTransition,
  holdsStock,
  type OrderStatus,
  orderStatuses,
  releasesStock,
  wasPaid,
} from '../../src/domain/order-status.ts';

// Written from the lifecycle in ARCHITECTURE.md §3, not read back from the table under test.
// One deliberate change (ADR 0009): a fulfilled order can still be refunded, in part or fully.
const terminal: readonly OrderStatus[] = ['cancelled', 'expired', 'refunded'];

const status = fc.constantFrom(...orderStatuses);

function exitsOf(from: OrderStatus): OrderStatus[] {
  return orderStatuses.filter((to) => canTransition(from, to));
}

describe('order lifecycle table', () => {
  it('has exactly the three terminal states, and they have no exits', () => {
    assert.deepEqual(new Set(orderStatuses.filter((s) => exitsOf(s).length === 0)), new Set(terminal));
  });

  it('lets only pending_payment be cancelled or expire', () => {
    for (const from of orderStatuses) {
      assert.equal(canTransition(from, 'cancelled'), from === 'pending_payment', `${from} -> cancelled`);
      assert.equal(canTransition(from, 'expired'), from === 'pending_payment', `${from} -> expired`);
    }
  });

  it('never goes back to pending_payment, so stock is reserved at most once', () => {
    for (const from of orderStatuses) assert.equal(canTransition(from, 'pending_payment'), false, from);
  });

  it('holds stock only while pending_payment', () => {
    assert.deepEqual(
      orderStatuses.filter((s) => holdsStock(s)),
      ['pending_payment'],
    );
  });

  it('releases stock only by ending unpaid (cancelled, expired): paying consumes the reservation', () => {
    assert.deepEqual(
      orderStatuses.filter((s) => releasesStock(s)),
      ['cancelled', 'expired'],
    );
    for (const to of orderStatuses.filter((s) => canTransition('pending_payment', s))) {
      assert.equal(releasesStock(to), to !== 'paid', `pending_payment -> ${to}`);
    }
  });

  it('counts as paid exactly the statuses reachable through paid', () => {
    const reachable = new Set<OrderStatus>();
    const queue: OrderStatus[] = ['paid'];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (reachable.has(next)) continue;
      reachable.add(next);
      queue.push(...exitsOf(next));
    }
    assert.deepEqual(new Set(orderStatuses.filter((s) => wasPaid(s))), reachable);
  });

  it('reaches every status from pending_payment', () => {
    const seen = new Set<OrderStatus>(['pending_payment']);
    const queue: OrderStatus[] = ['pending_payment'];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const to of exitsOf(next)) {
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    assert.deepEqual(seen, new Set(orderStatuses));
  });

  it('keeps its invariants along any random sequence of attempted transitions', () => {
    fc.assert(
      fc.property(fc.array(status, { maxLength: 40 }), (attempts) => {
        let current: OrderStatus = 'pending_payment';
        let stockReleases = 0;
        for (const to of attempts) {
          const allowed = canTransition(current, to);
          if (terminal.includes(current)) assert.equal(allowed, false, `${current} is terminal but may go to ${to}`);
          if (to === 'cancelled') assert.equal(allowed, current === 'pending_payment');
          if (!allowed) continue;
          if (holdsStock(current) && releasesStock(to)) stockReleases += 1;
          assert.equal(!holdsStock(current) && holdsStock(to), false, `${current} -> ${to} would re-reserve stock`);
          current = to;
        }
        assert.ok(stockReleases <= 1, `stock released ${stockReleases} times`);
        assert.equal(stockReleases, releasesStock(current) ? 1 : 0);
      }),
      { numRuns: runs(500) },
    );
  });
});
