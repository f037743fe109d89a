import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { EventBus, EventMessage } from '../../src/events/index.ts';
import { type Env, eventually, recorder, testEvent } from './event-bus-recorder.ts';
import { startTcpProxy } from './tcp-proxy.ts';

/**
 * The contract's network cases, through a TCP proxy the test owns between the bus and the broker
 * (the shared broker is never touched): a connection cut (`down`) and a network that swallows
 * packets (`stall`). Skipped for a bus without a broker.
 */
export function networkFaultCases(
  target: { readonly brokerUrl: string | undefined },
  scenario: (work: (env: Env) => Promise<void>) => Promise<void>,
): void {
  const skip = target.brokerUrl === undefined ? 'no broker connection to cut' : false;
  const brokerUrl = target.brokerUrl ?? '';

  async function throughProxy({ open, subscribe, defer }: Env) {
    const upstream = new URL(brokerUrl);
    const proxy = await startTcpProxy({ host: upstream.hostname, port: Number(upstream.port) });
    defer(() => proxy.close());
    const bus = await open(proxy.proxied(brokerUrl));
    const seen = recorder('network');
    await subscribe(bus, seen.options(), seen.handler);
    const before = testEvent();
    await bus.publish([before], AbortSignal.timeout(15_000));
    await eventually(() => seen.ids().has(before.id), 'the message before the fault');
    return { proxy, bus, seen };
  }

  /** Publish rejects, and within its signal: `signalMs` plus timers' slack, never a hang. */
  async function rejectsWithin(bus: EventBus, message: EventMessage, signalMs: number): Promise<void> {
    const started = Date.now();
    await assert.rejects(bus.publish([message], AbortSignal.timeout(signalMs)));
    const took = Date.now() - started;
    assert.ok(took < signalMs + 1_500, `publish took ${took} ms with a ${signalMs} ms signal`);
  }

  /** The outbox's way after a failure: publish again until acknowledged, then see everything arrive. */
  async function republishUntilAcknowledged(bus: EventBus, messages: readonly EventMessage[]): Promise<void> {
    const giveUpAt = Date.now() + 60_000;
    for (;;) {
      try {
        await bus.publish(messages, AbortSignal.timeout(2_000));
        return;
      } catch (error) {
        if (Date.now() > giveUpAt) throw error;
        await delay(200);
      }
    }
  }

  it('a cut broker connection rejects publish within its signal; once back, nothing is lost', { skip }, () =>
    scenario(async (env) => {
      const { proxy, bus, seen } = await throughProxy(env);
      await proxy.down();
      const during = testEvent();
      await rejectsWithin(bus, during, 1_500);
      await proxy.up();
      const after = testEvent();
      await republishUntilAcknowledged(bus, [during, after]);
      await eventually(
        () => seen.ids().has(during.id) && seen.ids().has(after.id),
        'the messages after the cut',
        60_000,
      );
    }),
  );

  it('a stalled network rejects publish when its signal aborts; once it flows, nothing is lost', { skip }, () =>
    scenario(async (env) => {
      const { proxy, bus, seen } = await throughProxy(env);
      proxy.stall();
      const during = testEvent();
      await rejectsWithin(bus, during, 1_000);
      proxy.resume();
      const after = testEvent();
      await republishUntilAcknowledged(bus, [during, after]);
      await eventually(
        () => seen.ids().has(during.id) && seen.ids().has(after.id),
        'the messages after the stall',
        60_000,
      );
    }),
  );
}
