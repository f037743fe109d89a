import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { EventBus, EventMessage } from '../../src/events/index.ts';
import { type Env, eventually, recorder, testEvent } from './event-bus-recorder.ts';

const publish = (bus: EventBus, messages: readonly EventMessage[]) =>
  bus.publish(messages, AbortSignal.timeout(15_000));

/** The contract's failing-handler cases: retry after the backoff, dead letter once, a dead letter that fails. */
export function failureCases(scenario: (work: (env: Env) => Promise<void>) => Promise<void>): void {
  it('a handler that throws gets the message again, attempt + 1, after the backoff', () =>
    scenario(async ({ open, subscribe }) => {
      const bus = await open();
      const backoffs: number[] = [];
      const seen = recorder('retry', async ({ attempt }) => {
        if (attempt < 3) throw new Error(`fail attempt ${attempt}`);
      });
      const options = seen.options({
        backoffMs: (attempt) => {
          backoffs.push(attempt);
          return 300;
        },
      });
      await subscribe(bus, options, seen.handler);
      const message = testEvent();
      await publish(bus, [message]);
      await eventually(() => seen.of(message.id).length === 3, 'three deliveries');
      await delay(300); // a fourth delivery would come after another backoff: give it the chance
      const deliveries = seen.of(message.id);
      assert.deepEqual(
        deliveries.map(({ delivery }) => delivery.attempt),
        [1, 2, 3],
      );
      assert.deepEqual(backoffs, [1, 2]);
      for (let index = 1; index < deliveries.length; index += 1) {
        const gap = (deliveries[index]?.at ?? 0) - (deliveries[index - 1]?.at ?? 0);
        assert.ok(gap >= 250, `redelivered after ${gap} ms, before the 300 ms backoff`);
      }
      assert.equal(seen.deadLetters.length, 0);
    }));

  it('a poison message is dead-lettered once after maxDeliveries while healthy ones keep flowing', () =>
    scenario(async ({ open, subscribe }) => {
      const bus = await open();
      const poison = testEvent({ type: 'order.poison' });
      const seen = recorder('poison', async ({ message }) => {
        if (message.id === poison.id) throw new Error('poison');
      });
      await subscribe(bus, seen.options({ maxDeliveries: 3, concurrency: 2 }), seen.handler);
      const before = Array.from({ length: 10 }, () => testEvent());
      await publish(bus, [poison, ...before]);
      await eventually(() => seen.deadLetters.length === 1, 'the dead letter');
      const after = Array.from({ length: 10 }, () => testEvent());
      await publish(bus, after);
      await eventually(() => [...before, ...after].every(({ id }) => seen.of(id).length >= 1), 'every healthy message');
      await delay(300); // more than the 50 ms backoff: a redelivered poison message would show
      assert.equal(seen.deadLetters.length, 1);
      assert.equal(seen.deadLetters[0]?.delivery.message.id, poison.id);
      assert.equal(seen.deadLetters[0]?.delivery.attempt, 3);
      const reason = seen.deadLetters[0]?.error;
      assert.ok(reason instanceof Error && reason.message === 'poison', 'the handler’s own error');
      assert.deepEqual(
        seen.of(poison.id).map(({ delivery }) => delivery.attempt),
        [1, 2, 3],
      );
    }));

  it('a dead letter that cannot be recorded keeps the message: delivered again, recorded then', () =>
    scenario(async ({ open, subscribe }) => {
      const bus = await open();
      const recorded: number[] = [];
      const seen = recorder('dead-letter-retry', async () => {
        throw new Error('poison');
      });
      const options = seen.options({
        maxDeliveries: 2,
        onDeadLetter: async ({ attempt }) => {
          recorded.push(attempt);
          if (recorded.length === 1) throw new Error('the dead-letter table is unavailable');
        },
      });
      await subscribe(bus, options, seen.handler);
      const poison = testEvent();
      await publish(bus, [poison]);
      await eventually(() => recorded.length === 2, 'the second dead-letter attempt');
      await delay(300); // more than the 50 ms backoff: a delivery after the recorded dead letter would show
      assert.deepEqual(recorded, [2, 3]);
      assert.deepEqual(
        seen.of(poison.id).map(({ delivery }) => delivery.attempt),
        [1, 2, 3],
      );
    }));
}
