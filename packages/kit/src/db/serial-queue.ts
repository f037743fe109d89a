/**
 * Runs tasks one at a time, in arrival order. PGlite is a single session: without this, a
 * query issued while another caller's transaction is open would silently run inside it.
 */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks waiting behind the running one. */
  readonly waiting: number;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      waiting += 1;
      const result = tail.then(() => {
        waiting -= 1;
        return task();
      });
      // The chain must continue after a failure; the caller still sees the rejection.
      tail = result.catch(() => undefined);
      return result;
    },
    get waiting() {
      return waiting;
    },
  };
}
