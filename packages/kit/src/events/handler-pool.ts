import type { Delivery, EventHandler, EventMessage, SubscribeOptions } from './event-bus.ts';

/** How a transport settles one delivery; the pool calls at most one of them, once. */
export interface Settlement {
  /** Handled (or dead-lettered): never deliver it again. */
  done(outcome: 'handled' | 'dead_lettered'): Promise<void>;
  /** Failed: deliver it again after `delayMs`. */
  retry(delayMs: number): Promise<void>;
  /** Abandoned by a stop past its drain budget: hand it back at once, for another consumer. */
  release(): Promise<void>;
}

/**
 * The bounded pool of handlers every transport's subscription runs: it knows the free capacity
 * a fetch may ask for, turns a handler's outcome into ack / retry with backoff / dead letter, and
 * drains on stop. Transports only fetch and settle.
 */
export interface HandlerPool {
  readonly free: number;
  readonly inFlight: number;
  /** Resolves once a slot is free, or as soon as `signal` aborts. */
  capacity(signal: AbortSignal): Promise<void>;
  /** Runs the handler for a delivery; the caller made sure a slot is free. */
  run(message: EventMessage, attempt: number, settlement: Settlement): void;
  /** Waits for in-flight handlers up to `drainMs`, then aborts their signals and releases their messages. */
  drain(drainMs: number): Promise<void>;
  /**
   * Aborts every in-flight handler at once and stops counting it (its connection is gone, so its
   * message comes back from the broker anyway): the capacity is free for the new connection.
   */
  abandonAll(): void;
}

interface Running {
  readonly done: Promise<void>;
  /** Aborts the handler's signal and stops counting it; `release` hands its message back. */
  abandon(release: boolean): void;
}

export function createHandlerPool(
  options: SubscribeOptions,
  handler: EventHandler,
  /** A settlement that failed (the connection dropped): the broker redelivers, so this only reports. */
  onSettleError: (error: unknown) => void,
): HandlerPool {
  const running = new Set<Running>();
  let waiters: (() => void)[] = [];

  function wake(): void {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  }

  async function handle(delivery: Delivery, settlement: Settlement, abandoned: () => boolean): Promise<void> {
    let failure: unknown;
    try {
      await handler(delivery);
    } catch (error) {
      failure = error ?? new Error('handler threw a nullish value');
    }
    // Abandoned: the message was released already; settling it again would ack someone else's delivery.
    if (abandoned()) return;
    if (failure === undefined) return settlement.done('handled');
    if (delivery.attempt < options.maxDeliveries) return settlement.retry(options.backoffMs(delivery.attempt));
    try {
      await options.onDeadLetter(delivery, failure);
    } catch (error) {
      // Not recorded anywhere yet: keep the message, try the dead letter again on its next delivery.
      onSettleError(error);
      return settlement.retry(options.backoffMs(delivery.attempt));
    }
    return settlement.done('dead_lettered');
  }

  return {
    get free() {
      return Math.max(0, options.concurrency - running.size);
    },
    get inFlight() {
      return running.size;
    },
    capacity(signal) {
      if (running.size < options.concurrency || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        // Removed again on wake: a long-lived subscription waits here once per full pool.
        const onAbort = (): void => resolve();
        signal.addEventListener('abort', onAbort, { once: true });
        waiters.push(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    },
    run(message, attempt, settlement) {
      const controller = new AbortController();
      let handlerDone = false;
      let abandoned = false;
      const entry: Running = {
        done: handle({ message, attempt, signal: controller.signal }, settlement, () => {
          handlerDone = true;
          return abandoned;
        })
          .catch(onSettleError)
          .finally(() => {
            running.delete(entry);
            wake();
          }),
        abandon(release) {
          if (handlerDone) return; // already settling: let it finish
          abandoned = true;
          running.delete(entry);
          controller.abort(new Error('the subscription stopped, or lost its connection, while this handler ran'));
          if (release) settlement.release().catch(onSettleError);
        },
      };
      running.add(entry);
    },
    async drain(drainMs) {
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainMs);
      });
      await Promise.race([Promise.all([...running].map((entry) => entry.done)), budget]);
      clearTimeout(timer);
      for (const entry of [...running]) entry.abandon(true);
      wake();
    },
    abandonAll() {
      for (const entry of [...running]) entry.abandon(false);
      wake();
    },
  };
}
