/**
 * Runs tasks one at a time, in arrival order. PGlite is a single session: without this, a
 * query issued while another caller's transaction is open would silently run inside it.
 */
export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks waiting behind the running one. */
  readonly waiting: number;
  /** Whether a task is running now. */
  readonly busy: boolean;
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let busy = false;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      waiting += 1;
      const result = tail.then(async () => {
        waiting -= 1;
        busy = true;
        try {
          return await task();
        } finally {
          busy = false;
        }
      });
      // The chain must continue after a failure; the caller still sees the rejection.
      tail = result.catch(() => undefined);
      return result;
    },
    get waiting() {
      return waiting;
    },
    get busy() {
      return busy;
    },
  };
}
