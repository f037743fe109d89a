import type { Delivery, EventBus, EventHandler, EventMessage, SubscribeOptions, Subscription } from './event-bus.ts';

/**
 * The bus of embedded mode: no broker, no memory of its own. `publish` hands the messages to
 * every matching subscription and resolves only once each has handled them (acknowledged, or
 * dead-lettered after `maxDeliveries`). The outbox relay marks rows published only then, so
 * the outbox table *is* the durable queue: a crash before that leaves the rows unpublished, and
 * the next start delivers them again, to consumers whose inbox absorbs what they had applied.
 * Publish rejects when a stop left any message unsettled: one still waiting for a slot (a stop
 * starts nothing new) or one whose handler was aborted (its outcome then does not count).
 * Subscribe before the relay starts: a publish with no subscription delivers to nobody.
 *
 * Backpressure: a publish waits for its handlers, and the relay claims its next batch only after,
 * so at most one batch per relay is in memory. Within a batch one aggregate's messages are
 * handled one after another, in the order given; different aggregates run up to `concurrency`
 * at once.
 *
 * @example
 * ```ts
 * import { createInProcessBus } from '@keelson/kit/events';
 * const bus = createInProcessBus();
 * const subscription = await bus.subscribe(
 *   { consumer: 'audit', types: '*', concurrency: 4, maxDeliveries: 5, backoffMs: () => 100, onDeadLetter: async () => {} },
 *   async ({ message }) => console.log(message.type),
 * );
 * await subscription.stop(1_000);
 * await bus.close();
 * ```
 */
export function createInProcessBus(): EventBus {
  const subscriptions = new Set<InProcessSubscription>();
  return {
    name: 'in-process',
    async publish(messages, signal) {
      signal.throwIfAborted();
      await Promise.all([...subscriptions].map((subscription) => subscription.deliver(messages, signal)));
    },
    async subscribe(options, handler) {
      if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
        throw new RangeError(`concurrency must be a whole number ≥ 1 (got ${options.concurrency})`);
      }
      const subscription = new InProcessSubscription(options, handler, () => subscriptions.delete(subscription));
      subscriptions.add(subscription);
      return subscription;
    },
    async close() {
      await Promise.all([...subscriptions].map((subscription) => subscription.stop(0)));
    },
  };
}

class InProcessSubscription implements Subscription {
  readonly #options: SubscribeOptions;
  readonly #handler: EventHandler;
  readonly #detach: () => void;
  readonly #aborted = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #slots: Slots;
  #stopped = false;

  constructor(options: SubscribeOptions, handler: EventHandler, detach: () => void) {
    this.#options = options;
    this.#slots = createSlots(options.concurrency);
    this.#handler = handler;
    this.#detach = detach;
  }

  /** Handles the messages this subscription wants; rejects if any could not be settled. */
  deliver(messages: readonly EventMessage[], publishSignal: AbortSignal): Promise<void> {
    // A stopped consumer cannot take messages: the publish fails and the rows stay unpublished.
    if (this.#stopped) return Promise.reject(new Error(`consumer ${this.#options.consumer} has stopped`));
    const { types } = this.#options;
    const wanted = types === '*' ? messages : messages.filter((m) => types.includes(m.type));
    if (wanted.length === 0) return Promise.resolve();
    const signal = AbortSignal.any([publishSignal, this.#aborted.signal]);
    const work = this.#run(groupByAggregate(wanted), signal);
    this.#inFlight.add(work);
    const forget = () => this.#inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /**
   * One task per aggregate, each holding one of the subscription's `concurrency` slots while it
   * runs: the bound holds across publishes, however many relays publish at once.
   */
  async #run(groups: EventMessage[][], signal: AbortSignal): Promise<void> {
    await Promise.all(
      groups.map(async (group) => {
        await this.#slots.acquire();
        try {
          for (const message of group) {
            // Stopped while this waited for a slot: start nothing new; the publish rejects, the rows stay unpublished.
            if (this.#stopped)
              throw new Error(`consumer ${this.#options.consumer} stopped before handling ${message.id}`);
            await this.#settle(message, signal);
          }
        } finally {
          this.#slots.release();
        }
      }),
    );
  }

  /** Delivers until the handler succeeds or the message is dead-lettered. */
  async #settle(message: EventMessage, signal: AbortSignal): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      signal.throwIfAborted();
      const delivery: Delivery = { message, attempt, signal };
      let failure: unknown;
      try {
        await this.#handler(delivery);
      } catch (error) {
        failure = error ?? new Error('handler threw a nullish value');
      }
      // Aborted (stop past its budget): the handler was told to give up, so its outcome does not count.
      signal.throwIfAborted();
      if (failure === undefined) return;
      if (attempt >= this.#options.maxDeliveries) {
        try {
          await this.#options.onDeadLetter(delivery, failure);
          return;
        } catch {
          // Not recorded anywhere yet: keep the message and try again on its next delivery, as the brokers do.
        }
      }
      await abortableDelay(this.#options.backoffMs(attempt), signal);
    }
  }

  async stop(drainMs: number): Promise<void> {
    this.#stopped = true;
    this.#detach();
    const drained = Promise.allSettled([...this.#inFlight]);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, drainMs);
    });
    await Promise.race([drained, late]);
    clearTimeout(timer);
    // Past the budget: handlers are told to give up; their messages stay unpublished.
    this.#aborted.abort(new Error(`consumer ${this.#options.consumer} stopped`));
    await drained;
  }
}

interface Slots {
  acquire(): Promise<void>;
  release(): void;
}

/** A counting semaphore: `acquire` waits (first come, first served) while all `size` are taken. */
function createSlots(size: number): Slots {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    acquire() {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next === undefined) free += 1;
      else next();
    },
  };
}

/** One list per aggregate, in first-appearance order, each keeping the order given. */
function groupByAggregate(messages: readonly EventMessage[]): EventMessage[][] {
  const groups = new Map<string, EventMessage[]>();
  for (const message of messages) {
    const key = `${message.aggregateType}\u0000${message.aggregateId}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [message]);
    else group.push(message);
  }
  return [...groups.values()];
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
