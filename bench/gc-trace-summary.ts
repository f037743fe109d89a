import { readFileSync } from 'node:fs';
import { summarize } from './percentiles.ts';

/**
 * Pauses of the collector from a process's `--trace-gc` lines (mixed into its log), by kind:
 * `[pid:0x…]  12345 ms: Scavenge 60.1 (70.2) -> 20.3 (72.2) MB, pooled: 0 MB, 5.23 / 0.00 ms …`.
 * Only lines from `fromMs` on (the process's own clock, ms since it started) count.
 */
export function summariseGcTrace(logFile: string, fromMs = 0): string {
  const pauses = new Map<string, number[]>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const match = /^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: ([A-Za-z-]+(?: [A-Za-z-]+)?) .*?, ([\d.]+) \/ [\d.]+ ms/.exec(line);
    if (match === null || Number(match[1]) < fromMs) continue;
    const kind = match[2] ?? '?';
    const list = pauses.get(kind) ?? [];
    list.push(Number(match[3]));
    pauses.set(kind, list);
  }
  if (pauses.size === 0) return 'no --trace-gc lines in the service log';
  return [...pauses]
    .map(([kind, list]) => {
      const { count, p50Ms, p99Ms, maxMs, meanMs } = summarize(list);
      const total = (meanMs * count).toFixed(0);
      return `${kind}: ${count} pauses, ${total} ms in all, p50 ${p50Ms.toFixed(1)} ms, p99 ${p99Ms.toFixed(1)} ms, max ${maxMs.toFixed(1)} ms`;
    })
    .join('\n');
}
