import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSerialQueue } from '../src/db/serial-queue.ts';
import { deferred } from './http-test-support.ts';

/**
 * Lets every already-scheduled callback run. Used only to show something did NOT happen
 * (a task that should still be queued has not started), never to wait for something to happen.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A task that records when it starts and ends and finishes only when the test says so. */
function gatedTask(name: string, log: string[]) {
  const started = deferred();
  const release = deferred();
  const run = async (): Promise<string> => {
    log.push(`${name} start`);
    started.resolve();
    await release.promise;
    log.push(`${name} end`);
    return name;
  };
  return { run, started: started.promise, release: () => release.resolve() };
}

test('tasks run one at a time in arrival order, even when the first is the slowest', async () => {
  const queue = createSerialQueue();
  const log: string[] = [];
  const a = gatedTask('a', log);
  const b = gatedTask('b', log);
  const c = gatedTask('c', log);

  const results = [queue.run(a.run), queue.run(b.run), queue.run(c.run)];
  await a.started;
  // Release the later tasks first: they must still wait for `a`.
  c.release();
  b.release();
  await settle();
  assert.deepEqual(log, ['a start']);

  a.release();
  assert.deepEqual(await Promise.all(results), ['a', 'b', 'c']);
  assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
});

test('waiting counts the tasks behind the running one, busy says whether one runs', async () => {
  const queue = createSerialQueue();
  const log: string[] = [];
  const a = gatedTask('a', log);
  const b = gatedTask('b', log);
  assert.equal(queue.waiting, 0);
  assert.equal(queue.busy, false);

  const results = [queue.run(a.run), queue.run(b.run)];
  assert.equal(queue.waiting, 2, 'both queued before either starts');

  await a.started;
  assert.equal(queue.waiting, 1);
  assert.equal(queue.busy, true);

  a.release();
  await b.started;
  assert.equal(queue.waiting, 0);
  assert.equal(queue.busy, true);

  b.release();
  await Promise.all(results);
  assert.equal(queue.waiting, 0);
  assert.equal(queue.busy, false);
});

test('a rejected task reaches its caller and does not stop the tasks behind it', async () => {
  const queue = createSerialQueue();
  const failure = new Error('statement failed');
  const gate = deferred();
  const ran: string[] = [];

  const failing = queue.run(async () => {
    await gate.promise;
    ran.push('failing');
    throw failure;
  });
  // A task that throws before returning a promise is a rejection too, not a stuck queue.
  const throwsSynchronously = queue.run((): Promise<never> => {
    ran.push('sync');
    throw new Error('thrown synchronously');
  });
  const later = queue.run(async () => {
    ran.push('later');
    return 42;
  });

  gate.resolve();
  await assert.rejects(failing, (error) => error === failure);
  await assert.rejects(throwsSynchronously, /thrown synchronously/);
  assert.equal(await later, 42);
  assert.deepEqual(ran, ['failing', 'sync', 'later']);
  assert.equal(queue.busy, false);
  assert.equal(queue.waiting, 0);
});

test('a task still waiting at its deadline is rejected then, and skipped when its turn comes', async () => {
  const queue = createSerialQueue();
  const log: string[] = [];
  const holder = gatedTask('holder', log);
  const running = queue.run(holder.run);
  await holder.started;
  let lateRan = false;
  const startedWaiting = Date.now();
  const late = queue.run(async () => {
    lateRan = true;
  }, Date.now() + 50);
  // Rejected while `holder` still runs: the wait is bounded by the deadline, not by the holder.
  await assert.rejects(
    late,
    (error: unknown) => error instanceof Error && 'code' in error && error.code === 'deadline_exceeded',
  );
  assert.ok(Date.now() - startedWaiting < 1_000, 'rejected near its deadline');
  assert.equal(queue.waiting, 0);
  const after = queue.run(async () => 'after');
  holder.release();
  assert.equal(await running, 'holder');
  assert.equal(await after, 'after');
  assert.equal(lateRan, false, 'the dropped task never ran');
});

test('a task that started before its deadline runs to its end', async () => {
  const queue = createSerialQueue();
  const log: string[] = [];
  const task = gatedTask('t', log);
  const result = queue.run(task.run, Date.now() + 30);
  await task.started;
  // A later task with a later deadline is rejected while `t` still runs: `t`'s deadline has passed too.
  await assert.rejects(queue.run(async () => {}, Date.now() + 40));
  task.release();
  assert.equal(await result, 't');
});
