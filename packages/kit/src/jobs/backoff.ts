/** Exponential backoff bounds for a queue's retries. */
export interface BackoffOptions {
  /** The first retry's ceiling. */
  readonly baseMs: number;
  /** No retry waits longer than this. */
  readonly maxMs: number;
}

/**
 * "Full jitter" (AWS Architecture Blog, 2015): a uniform draw in [0, min(max, base·2^(n−1))]
 * after attempt n failed. Retries of many jobs that failed together spread out instead of
 * returning in waves. `random` is in [0, 1), injectable for tests.
 *
 * @example
 * ```ts
 * import { retryDelayMs } from '@keelson/kit/jobs';
 * const wait: number = retryDelayMs(3, { baseMs: 1_000, maxMs: 60_000 }); // somewhere in [0, 4000]
 * ```
 */
export function retryDelayMs(
  failedAttempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failedAttempt - 1);
  // 2^exponent overflows to Infinity long after the ceiling caps it; min() keeps it finite.
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(exponent, 52));
  return Math.floor(random() * (ceiling + 1));
}
