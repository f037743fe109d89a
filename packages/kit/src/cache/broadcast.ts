/**
 * A message every instance of a service hears: cache invalidations, key revocations. The
 * receivers' handlers run synchronously, and `publish` resolves once every instance that was
 * listening has run them (or the acknowledgement timeout passed), so a writer that awaits it
 * before answering knows no instance will serve what the message invalidated.
 */
export interface Broadcast {
  /**
   * Runs every handler of every listening instance, this one included; resolves when all have.
   * `traceparent`: the caller's, for a span of the publish.
   */
  publish(message: BroadcastMessage, traceparent?: string): Promise<PublishOutcome>;
  /** Adds a handler; it must be synchronous and must not throw. */
  subscribe(handler: (message: BroadcastMessage) => void): void;
  /**
   * Whether this instance hears every message now. While it does not (a lost connection), what
   * it cached may be stale: callers bypass their local copies. Becoming healthy again delivers
   * `{ kind: 'flush' }` to this instance's handlers first, since messages may have been missed.
   */
  healthy(): boolean;
  close(): Promise<void>;
}

/** `keys` of `topic` changed; or everything may have (`flush`). */
export type BroadcastMessage =
  | { readonly kind: 'invalidate'; readonly topic: string; readonly keys: readonly string[] }
  | { readonly kind: 'flush' };

export interface PublishOutcome {
  /** Instances the message reached, this one included. */
  readonly receivers: number;
  /** Whether every receiver acknowledged before the timeout. */
  readonly acknowledged: boolean;
}

/**
 * The broadcast of one process (embedded mode): handlers run inside `publish`.
 *
 * @example
 * ```ts
 * import { createLocalBroadcast } from '@keelson/kit/cache';
 * const broadcast = createLocalBroadcast();
 * broadcast.subscribe((message) => console.log(message.kind));
 * await broadcast.publish({ kind: 'invalidate', topic: 'products', keys: ['ten_1/prod_1'] });
 * ```
 */
export function createLocalBroadcast(): Broadcast {
  const handlers: ((message: BroadcastMessage) => void)[] = [];
  return {
    async publish(message) {
      for (const handler of handlers) handler(message);
      return { receivers: 1, acknowledged: true };
    },
    subscribe(handler) {
      handlers.push(handler);
    },
    healthy: () => true,
    async close() {},
  };
}
