import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { createHealthChecks } from '../src/health/index.ts';
import { createAdminServer } from '../src/lifecycle/index.ts';
import { createMetrics } from '../src/metrics/index.ts';
import { captureLogs, deferred, listen } from './http-test-support.ts';

test('all checks pass: ok', async () => {
  const health = createHealthChecks();
  health.add('database', async () => {});
  health.add('cache', async () => {});
  assert.deepEqual(await health.run(), { status: 'ok', checks: { database: 'ok', cache: 'ok' } });
});

test('a failing, throwing or hanging check is named with its reason; a hung one is aborted', async () => {
  const health = createHealthChecks({ timeoutMs: 50 });
  const hungSignal = deferred<AbortSignal>();
  health.add('database', async (signal) => {
    hungSignal.resolve(signal);
    await once(signal, 'abort');
  });
  health.add('broker', async () => {
    throw new Error('connection refused');
  });
  health.add('cache', () => {
    throw new Error('not even a promise');
  });
  health.add('flags', async () => {});
  assert.deepEqual(await health.run(), {
    status: 'unavailable',
    checks: {
      database: 'timeout after 50 ms',
      broker: 'failed: connection refused',
      cache: 'failed: not even a promise',
      flags: 'ok',
    },
  });
  assert.equal((await hungSignal.promise).aborted, true);
});

test('concurrent runs share one probe', async () => {
  const health = createHealthChecks();
  const release = deferred();
  let calls = 0;
  health.add('database', async () => {
    calls += 1;
    await release.promise;
  });
  const runs = [health.run(), health.run(), health.run()];
  release.resolve();
  await Promise.all(runs);
  assert.equal(calls, 1);
  await health.run();
  assert.equal(calls, 2, 'a later run probes again');
});

test('draining reports shutting_down without probing', async () => {
  const health = createHealthChecks();
  let calls = 0;
  health.add('database', async () => {
    calls += 1;
  });
  health.startDraining();
  assert.equal(health.draining, true);
  assert.deepEqual(await health.run(), { status: 'shutting_down', checks: {} });
  assert.equal(calls, 0);
});

test('a check name is registered once', () => {
  const health = createHealthChecks();
  health.add('database', async () => {});
  assert.throws(() => health.add('database', async () => {}), /already registered/);
});

test('/livez and /readyz on the admin server: 503 naming the failing check, then shutting_down', async (t) => {
  const health = createHealthChecks({ timeoutMs: 50 });
  let databaseUp = true;
  health.add('database', async (signal) => {
    if (!databaseUp) await once(signal, 'abort');
  });
  health.add('cache', async () => {});
  const admin = createAdminServer({ logger: captureLogs().logger, metrics: createMetrics(), health });
  const base = await listen(admin);
  t.after(() => admin.close());

  const live = await fetch(`${base}/livez`);
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { status: 'ok' });

  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 200);
  assert.equal(ready.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await ready.json(), { status: 'ok', checks: { database: 'ok', cache: 'ok' } });

  databaseUp = false;
  const failing = await fetch(`${base}/readyz`);
  assert.equal(failing.status, 503);
  assert.deepEqual(await failing.json(), {
    status: 'unavailable',
    checks: { database: 'timeout after 50 ms', cache: 'ok' },
  });

  health.startDraining();
  const draining = await fetch(`${base}/readyz`);
  assert.equal(draining.status, 503);
  assert.deepEqual(await draining.json(), { status: 'shutting_down', checks: {} });
  assert.equal((await fetch(`${base}/livez`)).status, 200, 'liveness is unaffected by draining');
});
