/** What every measured scenario reports, whichever tool drove it. */
export interface Measurement {
  readonly scenario: string;
  readonly tool: 'autocannon' | 'raw-pg-loop';
  /** Completed operations (HTTP responses or committed transactions) in the measured window. */
  readonly completed: number;
  readonly durationS: number;
  /** Completed per second; for HTTP this counts every response, so read it next to non2xx. */
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /**
   * Share of the machine's CPU time the hypervisor stole during the measured window (%, all
   * cores; `host-steal.ts`). A window with much of it measured the host, not the code.
   */
  readonly stealPct?: number;
  /** Status code → count (HTTP) or error message → count (raw loop). */
  readonly breakdown: Readonly<Record<string, number>>;
}

/** A run with any failure is not a clean measurement and must be flagged. */
export function hasFailures(m: Measurement): boolean {
  return m.non2xx > 0 || m.errors > 0 || m.timeouts > 0 || m.completed === 0;
}
