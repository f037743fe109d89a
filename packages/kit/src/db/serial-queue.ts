import { deadlineWhileWaiting } from './deadline.ts';

/**
 * Runs tasks one at a time, in arrival order. PGlite is a single session: without this, a
 * query issued while another caller's transaction is open would silently run inside it.
 */
export interface SerialQueue {
  /**
   * Runs `task` after those queued before it. With a `deadline` (epoch ms), a task still
   * waiting when it passes is dropped and rejected with `deadline_exceeded`; a task that has
   * started runs to its end (PGlite cannot interrupt a statement).
   */
  run<T>(task: () => Promise<T>, deadline?: number): Promise<T>;
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
    run<T>(task: () => Promise<T>, deadline?: number): Promise<T> {
      waiting += 1;
      let state: 'waiting' | 'started' | 'dropped' = 'waiting';
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<never>((_resolve, reject) => {
        if (deadline === undefined) return;
        timer = setTimeout(() => {
          if (state !== 'waiting') return;
          state = 'dropped';
          waiting -= 1;
          reject(deadlineWhileWaiting());
        }, deadline - Date.now());
      });
      const ran = tail.then(async () => {
        // Dropped while waiting: its caller already has its answer, and its turn is skipped.
        // The cast is safe: `gaveUp` settled the caller's race, so this value is never read.
        if (state === 'dropped') return undefined as T;
        state = 'started';
        clearTimeout(timer);
        waiting -= 1;
        busy = true;
        try {
          return await task();
        } finally {
          busy = false;
        }
      });
      // The chain must continue after a failure; the caller still sees the rejection.
      tail = ran.catch(() => undefined);
      return deadline === undefined ? ran : Promise.race([ran, gaveUp]);
    },
    get waiting() {
      return waiting;
    },
    get busy() {
      return busy;
    },
  };
}
