import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHandlerPool, type Settlement } from '../src/events/handler-pool.ts';
import { eventually, recorder, testEvent } from './support/event-bus-recorder.ts';

// The pool every transport runs its handlers in, without a broker: what it decides for each
// outcome, the capacity it reports, and its drain. The transports' contract suite covers the rest.

function settlements() {
  const log: string[] = [];
  const settlement = (id: string): Settlement => ({
    done: async (outcome) => void log.push(`${id} ${outcome}`),
    retry: async (delayMs) => void log.push(`${id} retry ${delayMs}`),
    release: async () => void log.push(`${id} release`),
  });
  return { log, settlement };
}

describe('handler pool', () => {
  it('acks a success, retries a failure after backoffMs(attempt), dead-letters at maxDeliveries', async () => {
    const { log, settlement } = settlements();
    const seen = recorder('pool', async ({ message }) => {
      if (message.type === 'order.bad') throw new Error('bad');
    });
    const pool = createHandlerPool(
      seen.options({ maxDeliveries: 3, backoffMs: (attempt) => attempt * 100 }),
      seen.handler,
      () => {},
    );
    pool.run(testEvent({ id: 'ok' }), 1, settlement('ok'));
    pool.run(testEvent({ id: 'bad1', type: 'order.bad' }), 2, settlement('bad1'));
    pool.run(testEvent({ id: 'bad2', type: 'order.bad' }), 3, settlement('bad2'));
    await eventually(() => log.length === 3, 'three settlements');
    assert.deepEqual(log.sort(), ['bad1 retry 200', 'bad2 dead_lettered', 'ok handled']);
    assert.equal(seen.deadLetters.length, 1);
    assert.equal(pool.inFlight, 0);
  });

  it('reports free capacity, and capacity() resolves when a slot frees', async () => {
    const { settlement } = settlements();
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen = recorder('pool', () => gate);
    const pool = createHandlerPool(seen.options({ concurrency: 2 }), seen.handler, () => {});
    pool.run(testEvent(), 1, settlement('a'));
    pool.run(testEvent(), 1, settlement('b'));
    assert.equal(pool.free, 0);
    let freed = false;
    const waiting = pool.capacity(new AbortController().signal).then(() => {
      freed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(freed, false, 'no slot yet');
    release();
    await waiting;
    assert.equal(pool.free, 2);
  });

  it('drain waits up to drainMs, then aborts the handlers and releases their messages', async () => {
    const { log, settlement } = settlements();
    const seen = recorder(
      'pool',
      ({ signal }) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    );
    const pool = createHandlerPool(seen.options(), seen.handler, () => {});
    pool.run(testEvent(), 1, settlement('stuck'));
    await pool.drain(30);
    assert.equal(seen.deliveries[0]?.delivery.signal.aborted, true);
    await eventually(() => log.length === 1, 'the release');
    assert.deepEqual(log, ['stuck release'], 'released, and not settled again when the handler returned');
    assert.equal(pool.inFlight, 0);
  });
});
