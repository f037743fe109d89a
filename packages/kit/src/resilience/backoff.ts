/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th retry
 * (1-based) waits a uniform random whole number of ms in [0, min(maxDelayMs, baseDelayMs × 2^(n−1))),
 * so clients that failed together do not come back together.
 */
export function fullJitterDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
