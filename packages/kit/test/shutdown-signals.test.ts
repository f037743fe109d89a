import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { createHealthChecks } from '../src/health/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import { type Closer, createShutdown } from '../src/lifecycle/index.ts';
import { captureLogs, deferred } from './http-test-support.ts';

function setup(closers: readonly Closer[]) {
  const logs = captureLogs();
  const exits: number[] = [];
  const exited = deferred<number>();
  const shutdown = createShutdown({
    logger: logs.logger,
    drainTimeoutMs: 1_000,
    closerTimeoutMs: 50,
    servers: [createHttpServer({ logger: logs.logger })],
    closers,
    health: createHealthChecks(),
    exit: (code) => {
      exits.push(code);
      exited.resolve(code);
    },
  });
  return { shutdown, exits, exited: exited.promise, logs };
}

function countingCloser(name: string): Closer & { readonly calls: () => number } {
  let calls = 0;
  return {
    name,
    close: async () => {
      calls += 1;
    },
    calls: () => calls,
  };
}

const failing: Closer = {
  name: 'broker',
  close: async () => {
    throw new Error('broker gone');
  },
};

test('SIGTERM runs the sequence once and exits 0; a second signal does not restart it', async () => {
  const database = countingCloser('database');
  const { shutdown, exits, exited } = setup([database]);
  const signals = new EventEmitter();
  const uninstall = shutdown.installSignalHandlers(signals);

  signals.emit('SIGTERM', 'SIGTERM');
  signals.emit('SIGINT', 'SIGINT');
  assert.equal(await exited, 0);
  signals.emit('SIGTERM', 'SIGTERM');
  assert.deepEqual(exits, [0]);
  assert.equal(database.calls(), 1);

  uninstall();
  assert.equal(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT'), 0);
});

test('a failing or hanging closer is reported and does not stop the others', async () => {
  const closed: string[] = [];
  const recording = (name: string): Closer => ({ name, close: async () => void closed.push(name) });
  const hanging: Closer = { name: 'queue', close: () => new Promise<void>(() => {}) };
  const { shutdown, logs } = setup([recording('database'), failing, hanging, recording('cache')]);

  const report = await shutdown.shutdown('test');
  assert.deepEqual(report.failedClosers, ['queue', 'broker']);
  assert.deepEqual(closed, ['cache', 'database']);
  const errors = logs.lines().filter((line) => line.level === 'error');
  assert.deepEqual(
    errors.map((line) => line.closer),
    ['queue', 'broker'],
  );
});

test('the signal path exits 1 when a closer failed', async () => {
  const { shutdown, exited } = setup([failing]);
  const signals = new EventEmitter();
  shutdown.installSignalHandlers(signals);
  signals.emit('SIGINT', 'SIGINT');
  assert.equal(await exited, 1);
});

test('shutdown() called twice returns the same run', async () => {
  const database = countingCloser('database');
  const { shutdown } = setup([database]);
  const first = shutdown.shutdown('one');
  const second = shutdown.shutdown('two');
  assert.equal(first, second);
  assert.equal((await second).reason, 'one');
  assert.equal(database.calls(), 1);
});

test('the signal path exits 1 at the hard deadline when the sequence never ends', async () => {
  const logs = captureLogs();
  const exited = deferred<number>();
  const shutdown = createShutdown({
    logger: logs.logger,
    drainTimeoutMs: 1_000,
    // A closer stuck past its own budget is the case a hard deadline exists for.
    closerTimeoutMs: 60_000,
    hardDeadlineMs: 100,
    servers: [],
    closers: [{ name: 'stuck', close: () => new Promise<void>(() => {}) }],
    health: createHealthChecks(),
    exit: (code) => exited.resolve(code),
  });
  const signals = new EventEmitter();
  shutdown.installSignalHandlers(signals);
  const started = Date.now();
  signals.emit('SIGTERM', 'SIGTERM');
  assert.equal(await exited.promise, 1);
  assert.ok(Date.now() - started < 1_000, `exited after ${Date.now() - started} ms`);
  assert.ok(logs.lines().some((line) => line.level === 'fatal' && /hard deadline/.test(String(line.msg))));
});
