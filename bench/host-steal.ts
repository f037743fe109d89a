import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPU time the hypervisor gave other guests, summed over this host's cores, in ms since boot
 * (`steal` of the `cpu` line in /proc/stat, 8th value, 10 ms ticks; 0 where there is none).
 * While it is stolen every process here stands still, the servers and the load generators alike.
 */
export function hostStealMs(): number {
  try {
    const line = /^cpu (.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? '';
    return Number(line.trim().split(/\s+/)[7] ?? 0) * 10;
  } catch {
    return 0;
  }
}

/** Starts a window; `stop()` returns the share of the machine's CPU time stolen in it (%). */
export function stealWindow(): { stop(): number } {
  const startedAt = performance.now();
  const stolenBefore = hostStealMs();
  return {
    stop() {
      const capacityMs = (performance.now() - startedAt) * availableParallelism();
      return capacityMs > 0 ? Math.round(((hostStealMs() - stolenBefore) / capacityMs) * 1_000) / 10 : 0;
    },
  };
}
