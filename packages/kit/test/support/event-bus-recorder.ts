import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type {
  Delivery,
  EventBus,
  EventHandler,
  EventMessage,
  SubscribeOptions,
  Subscription,
} from '../../src/events/index.ts';

/** A fresh namespace for one test: stream, subject prefix, exchange and queue names derive from it. */
export function uniqueNamespace(): string {
  return `kt${randomBytes(5).toString('hex')}`;
}

let sequence = 0;

/** An event with a unique id; `aggregateId` and `aggregateVersion` for order tests. */
export function testEvent(overrides: Partial<EventMessage> = {}): EventMessage {
  sequence += 1;
  return {
    id: `evt_${randomBytes(8).toString('hex')}`,
    type: 'order.paid',
    tenantId: 'ten_contract',
    aggregateType: 'order',
    aggregateId: 'ord_1',
    aggregateVersion: sequence,
    occurredAt: new Date().toISOString(),
    data: { n: sequence },
    headers: {},
    ...overrides,
  };
}

export interface Recorded {
  readonly delivery: Delivery;
  readonly at: number;
}

/**
 * A handler that records every delivery and the dead letters, with a `behaviour` deciding each
 * outcome (throw to fail), and a bounded wait on what it has seen.
 */
export interface Recorder {
  readonly handler: EventHandler;
  readonly deliveries: Recorded[];
  readonly deadLetters: { delivery: Delivery; error: unknown }[];
  readonly options: (overrides?: Partial<SubscribeOptions>) => SubscribeOptions;
  /** Deliveries of one message id. */
  of(id: string): Recorded[];
  /** Distinct ids seen. */
  ids(): Set<string>;
}

export function recorder(consumer: string, behaviour: EventHandler = async () => {}): Recorder {
  const deliveries: Recorded[] = [];
  const deadLetters: { delivery: Delivery; error: unknown }[] = [];
  return {
    deliveries,
    deadLetters,
    handler: async (delivery) => {
      deliveries.push({ delivery, at: Date.now() });
      await behaviour(delivery);
    },
    options: (overrides = {}) => ({
      consumer,
      types: '*',
      concurrency: 4,
      maxDeliveries: 5,
      backoffMs: () => 50,
      onDeadLetter: async (delivery, error) => {
        deadLetters.push({ delivery, error });
      },
      ...overrides,
    }),
    of: (id) => deliveries.filter((entry) => entry.delivery.message.id === id),
    ids: () => new Set(deliveries.map((entry) => entry.delivery.message.id)),
  };
}

/** Waits until `condition` holds (checked every 10 ms), failing after `timeoutMs`: a bound, not a sleep. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}

/** Runs `work` on a fresh namespace, then stops, closes and deletes whatever it opened. */
export function scenarioRunner(target: {
  open(ns: string, url?: string): Promise<EventBus>;
  destroy(ns: string): Promise<void>;
}) {
  return async function scenario(work: (env: Env) => Promise<void>): Promise<void> {
    const ns = uniqueNamespace();
    const buses: EventBus[] = [];
    const subscriptions: Subscription[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    const env: Env = {
      async open(url) {
        const bus = await target.open(ns, url);
        buses.push(bus);
        return bus;
      },
      async subscribe(bus, options, handler) {
        const subscription = await bus.subscribe(options, handler);
        subscriptions.push(subscription);
        return subscription;
      },
      defer: (cleanup) => void cleanups.push(cleanup),
    };
    try {
      await work(env);
    } finally {
      await Promise.allSettled(subscriptions.map((subscription) => subscription.stop(0)));
      await Promise.allSettled(buses.map((bus) => bus.close()));
      await Promise.allSettled(cleanups.map((cleanup) => cleanup()));
      await target.destroy(ns);
    }
  };
}

export interface Env {
  /** A bus on this test's namespace; `url` to go through a proxy. */
  open(url?: string): Promise<EventBus>;
  subscribe(bus: EventBus, ...args: Parameters<EventBus['subscribe']>): Promise<Subscription>;
  defer(cleanup: () => Promise<void>): void;
}
