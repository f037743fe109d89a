import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { EventBus, EventMessage } from '../../src/events/index.ts';
import { failureCases } from './event-bus-contract-failures.ts';
import { networkFaultCases } from './event-bus-contract-faults.ts';
import { eventually, recorder, scenarioRunner, testEvent } from './event-bus-recorder.ts';

/**
 * What one transport is, for the contract suite every `EventBus` passes: NATS JetStream, RabbitMQ
 * and the in-process bus of embedded mode. Capabilities differ only where the guarantees truly do
 * (`publishDeduplication`, `durableQueue`, `brokerUrl`); everything else is asserted the same way
 * for every transport.
 */
export interface EventBusContractTarget {
  readonly transport: string;
  /** `false`, or why the suite cannot run here (its server URL is unset). */
  readonly skip: string | false;
  /** A message id published twice within the window is delivered once (JetStream); otherwise at least once. */
  readonly publishDeduplication: boolean;
  /**
   * Where a message waits until a consumer has settled it (handled, or dead-lettered).
   * `'broker'`: in the broker's durable consumer queue. Publish resolves once the broker stored it;
   * a consumer that was stopped, or whose handler a stop aborted, gets it on its next subscribe.
   * `'publisher'`: nowhere in the bus (in-process; the outbox table is the durable queue, ADR 0009).
   * Publish resolves only once every subscribed consumer settled the messages and rejects if a stop
   * left any unsettled; the publisher (the outbox relay) then publishes them again.
   */
  readonly durableQueue: 'broker' | 'publisher';
  /** The broker's address, for the connection-cut case; `undefined` for a bus without a broker. */
  readonly brokerUrl: string | undefined;
  /**
   * A bus on namespace `ns` (its own stream / exchange / queues, named from `ns`), connected to `url`
   * (default: the broker's). Buses opened on one namespace share it, as a restarted process would.
   */
  open(ns: string, url?: string): Promise<EventBus>;
  /** Deletes everything namespace `ns` created on the broker. */
  destroy(ns: string): Promise<void>;
}

const timeout = 90_000;

/** Registers the contract suite for `target` (node:test `describe`). */
export function eventBusContract(target: EventBusContractTarget): void {
  const scenario = scenarioRunner(target);

  const publish = (bus: EventBus, messages: readonly EventMessage[]) =>
    bus.publish(messages, AbortSignal.timeout(15_000));
  const brokerKeeps = target.durableQueue === 'broker';

  /**
   * A publish whose handlers the test holds: a broker acknowledges it before they run (awaited
   * here), the in-process bus only after (the caller settles it later, see `durableQueue`).
   */
  async function publishHeld(bus: EventBus, messages: readonly EventMessage[]): Promise<{ published: Promise<void> }> {
    const published = publish(bus, messages);
    published.catch(() => {}); // settled and asserted by the caller
    if (brokerKeeps) await published;
    return { published }; // wrapped: an async function returning the promise itself would wait for it
  }

  describe(`EventBus contract: ${target.transport}`, { skip: target.skip, timeout }, () => {
    it('publish resolves once acknowledged; the consumer gets the message and its headers', () =>
      scenario(async ({ open, subscribe }) => {
        const bus = await open();
        const seen = recorder('headers');
        await subscribe(bus, seen.options(), seen.handler);
        const headers = {
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          'x-request-id': 'req_1',
        };
        const sent = testEvent({ headers, data: { amount: 1250, nested: { ok: true } } });
        await publish(bus, [sent]);
        await eventually(() => seen.deliveries.length === 1, 'the delivery');
        const [first] = seen.deliveries;
        assert.deepEqual(first?.delivery.message, sent);
        assert.equal(first?.delivery.attempt, 1);
      }));

    it(
      target.publishDeduplication
        ? 'an id published twice within the window is delivered once'
        : 'an id published twice is delivered at least once (no publish de-duplication: the inbox removes duplicates)',
      () =>
        scenario(async ({ open, subscribe }) => {
          const bus = await open();
          const seen = recorder('dedup');
          await subscribe(bus, seen.options({ concurrency: 1 }), seen.handler);
          const twice = testEvent();
          await publish(bus, [twice]);
          await publish(bus, [twice]);
          const marker = testEvent();
          await publish(bus, [marker]);
          await eventually(() => seen.of(marker.id).length === 1, 'the marker published after the duplicate');
          const copies = seen.of(twice.id).length;
          if (target.publishDeduplication) assert.equal(copies, 1);
          else assert.ok(copies === 1 || copies === 2, `delivered ${copies} times`);
        }),
    );

    it('keeps per-aggregate order for one consumer with concurrency 1', () =>
      scenario(async ({ open, subscribe }) => {
        const bus = await open();
        const seen = recorder('order');
        await subscribe(bus, seen.options({ concurrency: 1 }), seen.handler);
        const messages: EventMessage[] = [];
        for (let version = 1; version <= 20; version += 1) {
          for (const aggregateId of ['ord_a', 'ord_b', 'ord_c']) {
            messages.push(testEvent({ aggregateId, aggregateVersion: version }));
          }
        }
        await publish(bus, messages.slice(0, 30));
        await publish(bus, messages.slice(30));
        await eventually(() => seen.deliveries.length === messages.length, 'every message');
        for (const aggregateId of ['ord_a', 'ord_b', 'ord_c']) {
          const versions = seen.deliveries
            .map(({ delivery }) => delivery.message)
            .filter((message) => message.aggregateId === aggregateId)
            .map((message) => message.aggregateVersion);
          assert.deepEqual(
            versions,
            Array.from({ length: 20 }, (_, index) => index + 1),
            aggregateId,
          );
        }
      }));

    it('never runs more handlers at once than its concurrency', () =>
      scenario(async ({ open, subscribe }) => {
        const bus = await open();
        let inFlight = 0;
        let highest = 0;
        const seen = recorder('bounded', async () => {
          inFlight += 1;
          highest = Math.max(highest, inFlight);
          await delay(20); // work that takes time, so deliveries overlap
          inFlight -= 1;
        });
        await subscribe(bus, seen.options({ concurrency: 3 }), seen.handler);
        // One aggregate each: the in-process bus runs one aggregate's messages one after another.
        await publish(
          bus,
          Array.from({ length: 40 }, (_, index) => testEvent({ aggregateId: `ord_${index}` })),
        );
        await eventually(() => seen.ids().size === 40, 'every message');
        assert.equal(highest, 3, 'the bound is reached and never exceeded');
      }));

    failureCases(scenario);

    it('a consumer gets the types it subscribed to, and only those', () =>
      scenario(async ({ open, subscribe }) => {
        const bus = await open();
        const one = recorder('one-type');
        const two = recorder('two-types');
        await subscribe(bus, one.options({ types: ['order.paid'], concurrency: 1 }), one.handler);
        await subscribe(bus, two.options({ types: ['order.paid', 'order.cancelled'], concurrency: 1 }), two.handler);
        const types = [
          'order.created',
          'order.paid',
          'order.cancelled',
          'order.created',
          'order.paid',
          'order.cancelled',
        ];
        await publish(
          bus,
          types.map((type) => testEvent({ type })),
        );
        const marker = testEvent({ type: 'order.paid' });
        await publish(bus, [marker]);
        // One consumer sees its messages in publish order: once the marker is in, everything before it was decided.
        await eventually(() => one.ids().has(marker.id) && two.ids().has(marker.id), 'the marker at both consumers');
        const typesOf = (seen: typeof one) => seen.deliveries.map(({ delivery }) => delivery.message.type);
        assert.deepEqual(typesOf(one), ['order.paid', 'order.paid', 'order.paid']);
        assert.deepEqual(typesOf(two), [
          'order.paid',
          'order.cancelled',
          'order.paid',
          'order.cancelled',
          'order.paid',
        ]);
      }));

    const durableSkip = brokerKeeps
      ? false
      : 'the bus keeps nothing while no consumer is subscribed: the outbox table is the durable queue (ADR 0009)';
    it(
      'a durable consumer stopped and subscribed again (from a new bus) gets what was published meanwhile',
      { skip: durableSkip },
      () =>
        scenario(async ({ open, subscribe }) => {
          const first = await open();
          const seen = recorder('durable');
          const subscription = await subscribe(first, seen.options(), seen.handler);
          const early = testEvent();
          await publish(first, [early]);
          await eventually(() => seen.ids().has(early.id), 'the first message');
          await subscription.stop(5_000);
          const meanwhile = Array.from({ length: 5 }, () => testEvent());
          await publish(first, meanwhile);
          await first.close();
          const second = await open();
          await subscribe(second, seen.options(), seen.handler);
          await eventually(() => meanwhile.every(({ id }) => seen.ids().has(id)), 'what was published while stopped');
          assert.equal(seen.of(early.id).length, 1, 'the acknowledged message is not delivered again');
        }),
    );

    it('stop(drainMs) lets in-flight handlers finish and fetches nothing new', () =>
      scenario(async ({ open, subscribe }) => {
        const bus = await open();
        let release = (): void => {};
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const finished: string[] = [];
        const seen = recorder('drain', async ({ message, signal }) => {
          await gate;
          assert.equal(signal.aborted, false);
          finished.push(message.id);
        });
        const subscription = await subscribe(bus, seen.options({ concurrency: 2 }), seen.handler);
        const messages = Array.from({ length: 6 }, (_, index) => testEvent({ aggregateId: `ord_${index}` }));
        const { published } = await publishHeld(bus, messages);
        await eventually(() => seen.deliveries.length === 2, 'two handlers in flight');
        const stopped = subscription.stop(10_000);
        await delay(50); // stop is underway: a fetch it failed to stop would deliver now
        release();
        await stopped;
        assert.equal(finished.length, 2, 'both in-flight handlers finished');
        assert.equal(seen.deliveries.length, 2, 'nothing fetched after stop');
        const next = recorder('drain');
        await subscribe(bus, next.options(), next.handler);
        const rest = messages.filter(({ id }) => !finished.includes(id));
        if (brokerKeeps) {
          await eventually(() => rest.every(({ id }) => next.ids().has(id)), 'the other four, after a new subscribe');
          assert.ok(
            finished.every((id) => !next.ids().has(id)),
            'what finished was acknowledged',
          );
        } else {
          await assert.rejects(published, 'four were never handled: the batch is not acknowledged');
          await publish(bus, messages); // the relay's next round: the whole batch, still unpublished
          assert.ok(
            rest.every(({ id }) => next.ids().has(id)),
            'the other four, once published again',
          );
        }
      }));

    it('stop(drainMs) aborts a handler still running after drainMs; its message is delivered again', () =>
      scenario(async ({ open, subscribe }) => {
        const bus = await open();
        const aborted: unknown[] = [];
        let held = false;
        // Only the first delivery hangs: a message the publisher publishes again counts from attempt 1.
        const seen = recorder('abort', async ({ signal }) => {
          if (held) return;
          held = true;
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          aborted.push(signal.reason);
        });
        const subscription = await subscribe(bus, seen.options(), seen.handler);
        const message = testEvent();
        const { published } = await publishHeld(bus, [message]);
        await eventually(() => seen.deliveries.length === 1, 'the handler in flight');
        await subscription.stop(200);
        assert.equal(aborted.length, 1, 'its signal aborted once the budget was spent');
        await subscribe(bus, seen.options(), seen.handler);
        if (!brokerKeeps) {
          // The handler returned after its abort: that is not handled, so the message is not acknowledged.
          await assert.rejects(published, 'the aborted message is not acknowledged');
          await publish(bus, [message]); // the relay's next round
        }
        await eventually(() => seen.of(message.id).length === 2, 'the released message, delivered again');
      }));

    networkFaultCases(target, scenario);
  });
}
