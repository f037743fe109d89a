import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { createContext, remainingMs, tenantOf, withTenant } from '../src/context/index.ts';
import { AppError } from '../src/errors/index.ts';
import { captureLogs } from './http-test-support.ts';
import { fc } from './support/properties.ts';

const now = Date.parse('2030-01-01T00:00:00Z');
// Long enough that the deadline timer never fires while a test runs.
const longTimeoutMs = 60_000;

function isAppErrorOf(kind: string, code: string): (error: unknown) => boolean {
  return (error) => error instanceof AppError && error.kind === kind && error.code === code;
}

test('createContext: the deadline is now + timeout', () => {
  const { logger } = captureLogs();
  const ctx = createContext({ requestId: 'req_1', timeoutMs: 2_000, logger, now });
  assert.equal(ctx.deadline, now + 2_000);
  assert.equal(ctx.requestId, 'req_1');
  assert.equal(ctx.tenantId, undefined);
  assert.equal(ctx.signal.aborted, false);
});

test('createContext: without `now`, the deadline is measured from the wall clock', () => {
  const { logger } = captureLogs();
  const before = Date.now();
  const ctx = createContext({ requestId: 'req_1', timeoutMs: longTimeoutMs, logger });
  const after = Date.now();
  assert.ok(ctx.deadline >= before + longTimeoutMs && ctx.deadline <= after + longTimeoutMs, String(ctx.deadline));
});

test('createContext: a negative timeout is a deadline of now, not one in the past', () => {
  const { logger } = captureLogs();
  const ctx = createContext({ requestId: 'req_1', timeoutMs: -500, logger, now });
  assert.equal(ctx.deadline, now);
});

test('createContext: the signal aborts when the parent signal aborts, with its reason', () => {
  const { logger } = captureLogs();
  const parent = new AbortController();
  const ctx = createContext({ requestId: 'req_1', timeoutMs: longTimeoutMs, logger, signal: parent.signal });
  assert.equal(ctx.signal.aborted, false);

  const reason = new Error('client went away');
  parent.abort(reason);
  assert.equal(ctx.signal.aborted, true);
  assert.equal(ctx.signal.reason, reason);
});

test('createContext: the signal aborts by itself at the deadline', async () => {
  const { logger } = captureLogs();
  const ctx = createContext({ requestId: 'req_1', timeoutMs: 5, logger });
  // A failure guard, not synchronization: the test waits for the abort event itself.
  const guard = new AbortController();
  const giveUp = setTimeout(() => guard.abort(new Error('the deadline signal never aborted')), 5_000);
  try {
    await once(ctx.signal, 'abort', { signal: guard.signal });
  } finally {
    clearTimeout(giveUp);
  }
  assert.ok(ctx.signal.reason instanceof DOMException && ctx.signal.reason.name === 'TimeoutError');
});

test('remainingMs: the time to the deadline, never negative', () => {
  assert.equal(remainingMs({ deadline: now + 250 }, now), 250);
  assert.equal(remainingMs({ deadline: now }, now), 0);
  assert.equal(remainingMs({ deadline: now }, now + 1), 0);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 0, max: 2 ** 42 }), (deadline, at) => {
      const left = remainingMs({ deadline }, at);
      return left >= 0 && left === Math.max(0, deadline - at);
    }),
  );
});

test('withTenant: sets the tenant, keeps the rest, and leaves the original untouched', () => {
  const logs = captureLogs();
  const parent = new AbortController();
  const ctx = createContext({ requestId: 'req_1', timeoutMs: 2_000, logger: logs.logger, signal: parent.signal, now });
  const scoped = withTenant(ctx, 'ten_1');

  assert.equal(scoped.tenantId, 'ten_1');
  assert.equal(scoped.requestId, ctx.requestId);
  assert.equal(scoped.deadline, ctx.deadline);
  assert.equal(scoped.signal, ctx.signal);
  assert.equal(ctx.tenantId, undefined);

  // The logger is the same logger, now tagging every line with the tenant.
  scoped.logger.info('scoped');
  ctx.logger.info('unscoped');
  const [scopedLine, unscopedLine] = logs.lines();
  assert.equal(scopedLine?.tenant, 'ten_1');
  assert.equal(unscopedLine !== undefined && 'tenant' in unscopedLine, false);
});

test('tenantOf: the tenant when set, an internal error when missing', () => {
  const { logger } = captureLogs();
  const ctx = createContext({ requestId: 'req_1', timeoutMs: 2_000, logger, now });
  assert.throws(() => tenantOf(ctx), isAppErrorOf('internal', 'internal_error'));
  assert.equal(tenantOf(withTenant(ctx, 'ten_1')), 'ten_1');
});
