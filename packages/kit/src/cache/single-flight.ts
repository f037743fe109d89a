interface Flight<T> {
  readonly promise: Promise<T>;
  readonly state: { stale: boolean };
}

/**
 * One load in flight per key. `forget` (an invalidation) detaches the current load: later
 * callers start a new one, and the detached load learns through `fresh()` that what it read
 * may predate the write, so it must not be cached.
 */
export class SingleFlight<T> {
  readonly #flights = new Map<string, Flight<T>>();

  run(key: string, load: (fresh: () => boolean) => Promise<T>): Promise<T> {
    const current = this.#flights.get(key);
    if (current !== undefined) return current.promise;
    const state = { stale: false };
    const promise = load(() => !state.stale).finally(() => {
      if (this.#flights.get(key)?.state === state) this.#flights.delete(key);
    });
    this.#flights.set(key, { promise, state });
    return promise;
  }

  forget(key: string): void {
    const flight = this.#flights.get(key);
    if (flight === undefined) return;
    flight.state.stale = true;
    this.#flights.delete(key);
  }

  forgetAll(): void {
    for (const key of [...this.#flights.keys()]) this.forget(key);
  }
}
