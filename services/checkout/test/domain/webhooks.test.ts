import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@keelson/kit/errors';
import {
  afterFailure,
  checkEnabledEvents,
  circuitOpenUntil,
  type DeliveryPolicy,
  endpointWants,
} from '../../src/domain/webhooks.ts';

const policy: DeliveryPolicy = {
  retryBaseMs: 30_000,
  retryMaxDelayMs: 3_600_000,
  retryHorizonMs: 3 * 86_400_000,
  breakerThreshold: 5,
  breakerOpenMs: 60_000,
};
const t0 = new Date('2026-12-01T00:00:00Z');

describe('webhook rules', () => {
  it('enabled events: "*" alone, or known types without repeats', () => {
    assert.deepEqual(checkEnabledEvents(['*']), ['*']);
    assert.deepEqual(checkEnabledEvents(['order.paid', 'order.paid', 'refund.succeeded']), [
      'order.paid',
      'refund.succeeded',
    ]);
    for (const bad of [[], ['*', 'order.paid'], ['order.exploded']]) {
      assert.throws(
        () => checkEnabledEvents(bad),
        (error: unknown) => error instanceof AppError && error.code === 'unknown_event_type',
      );
    }
    assert.ok(endpointWants(['*'], 'order.paid'));
    assert.ok(endpointWants(['order.paid'], 'order.paid'));
    assert.ok(!endpointWants(['order.paid'], 'order.created'));
  });

  it('backoff: full jitter below a cap that doubles from the base up to the maximum', () => {
    const delay = (attempt: number, random: number) => {
      const next = afterFailure(policy, attempt, t0, t0, random);
      assert.equal(next.kind, 'retry');
      return next.kind === 'retry' ? next.at.getTime() - t0.getTime() : -1;
    };
    assert.equal(delay(1, 0), 0);
    assert.equal(delay(1, 0.5), 15_000);
    assert.equal(delay(2, 0.5), 30_000);
    assert.equal(delay(3, 0.999_999), 119_999);
    assert.equal(delay(20, 0.5), 1_800_000, 'capped at the maximum');
    assert.equal(delay(10_000, 0.5), 1_800_000, 'no overflow for large attempt numbers');
  });

  it('a failure whose next attempt would fall past the horizon is final', () => {
    const nearEnd = new Date(t0.getTime() + policy.retryHorizonMs - 1_000);
    assert.deepEqual(afterFailure(policy, 30, t0, nearEnd, 0.5), { kind: 'dead' });
    assert.equal(afterFailure(policy, 30, t0, nearEnd, 0).kind, 'retry');
    const replayed = new Date(t0.getTime() + 10 * policy.retryHorizonMs);
    assert.equal(afterFailure(policy, 30, replayed, replayed, 0.5).kind, 'retry', 'counted from retry_from');
  });

  it('the circuit opens at the threshold of consecutive failures', () => {
    assert.equal(circuitOpenUntil(policy, 4, t0), null);
    assert.deepEqual(circuitOpenUntil(policy, 5, t0), new Date(t0.getTime() + 60_000));
  });
});
