/**
 * A sleep that a wake-up can cut short. A wake that arrives while nobody sleeps is remembered,
 * so a NOTIFY landing during a claim is not lost (the next sleep returns at once).
 */
export interface Wakeup {
  wake(): void;
  /** Resolves after `ms`, on abort, or (if `wakeable`) on a wake. */
  sleep(ms: number, signal: AbortSignal, wakeable: boolean): Promise<void>;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let resolveSleep: (() => void) | undefined;
  return {
    wake() {
      pending = true;
      resolveSleep?.();
    },
    sleep(ms, signal, wakeable) {
      if (signal.aborted) return Promise.resolve();
      if (wakeable && pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolveSleep = undefined;
          if (wakeable) pending = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        if (wakeable) resolveSleep = done;
      });
    },
  };
}
