import { eventLoopUtilization, monitorEventLoopDelay } from 'node:perf_hooks';

/** Settings of {@link createEventLoopSignal}: what counts as "at capacity". */
export interface EventLoopSignalOptions {
  /** p99 event-loop delay over a tick that reads as 1. Default 50 ms. */
  readonly maxDelayMs?: number;
  /** Event-loop utilisation over a tick that reads as 1. Default 0.95. */
  readonly maxUtilization?: number;
}

/**
 * The overload signal of a Node process: the larger of the event loop's p99 delay and its
 * utilisation since the last read, each relative to its limit (1 = at capacity). A CPU-bound
 * service shows overload there first; go-zero and Kratos watch CPU, which a single-threaded
 * loop can saturate while the machine looks idle.
 *
 * @example
 * ```ts
 * import { createEventLoopSignal } from '@keelson/kit/shedding';
 * const loop = createEventLoopSignal({ maxDelayMs: 50 });
 * const pressure: number = loop.read();
 * loop.close();
 * ```
 */
export function createEventLoopSignal(options: EventLoopSignalOptions = {}): { read(): number; close(): void } {
  const maxDelayMs = options.maxDelayMs ?? 50;
  const maxUtilization = options.maxUtilization ?? 0.95;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let last = eventLoopUtilization();
  return {
    read() {
      const now = eventLoopUtilization();
      const utilization = eventLoopUtilization(now, last).utilization;
      last = now;
      // The histogram is in nanoseconds; an empty one (no sample yet) reads as no delay.
      const p99Ms = delay.count === 0 ? 0 : delay.percentile(99) / 1e6;
      delay.reset();
      return Math.max(p99Ms / maxDelayMs, utilization / maxUtilization);
    },
    close: () => delay.disable(),
  };
}
