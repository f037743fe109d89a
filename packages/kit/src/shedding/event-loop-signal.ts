import { eventLoopUtilization, monitorEventLoopDelay } from 'node:perf_hooks';

/** Settings of {@link createEventLoopSignal}: what counts as the load to hold. */
export interface EventLoopSignalOptions {
  /** Event-loop utilisation over a tick that reads as 1, the load the shedder holds. Default 0.8. */
  readonly targetUtilization?: number;
  /** p99 event-loop delay over a tick that reads as 1: a backstop for long blocking tasks. Default 50 ms. */
  readonly maxDelayMs?: number;
}

/**
 * The overload signal of a Node process: the larger of its event-loop utilisation since the last
 * read and its p99 event-loop delay, each relative to its limit (1 = the load to hold).
 * Utilisation leads: held below 1 (default 0.8), the loop keeps idle time, so what arrives is
 * read at once and a refusal costs microseconds; a delay target waits until timers are already
 * late, i.e. until every request (rejects included) queues behind the work. The delay stays as a
 * backstop for few long tasks, which utilisation averages away. go-zero and Kratos watch CPU,
 * which a single-threaded loop can saturate while the machine looks idle.
 *
 * @example
 * ```ts
 * import { createEventLoopSignal } from '@keelson/kit/shedding';
 * const loop = createEventLoopSignal({ targetUtilization: 0.8, maxDelayMs: 50 });
 * const pressure: number = loop.read();
 * loop.close();
 * ```
 */
export function createEventLoopSignal(options: EventLoopSignalOptions = {}): { read(): number; close(): void } {
  const maxDelayMs = options.maxDelayMs ?? 50;
  const targetUtilization = options.targetUtilization ?? 0.8;
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
      return Math.max(p99Ms / maxDelayMs, utilization / targetUtilization);
    },
    close: () => delay.disable(),
  };
}
