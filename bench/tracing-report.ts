import type { MachineInfo } from './machine.ts';
import type { Measurement } from './measurement.ts';

/** What bench/tracing-overhead.ts --json prints, and its summary lines (also in npm run bench's report). */

export interface TracingOverhead {
  readonly command: string;
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAverageAtEnd: readonly number[];
  readonly settings: Readonly<Record<string, unknown>>;
  readonly results: readonly Measurement[];
  readonly rounds: readonly (readonly Measurement[])[];
  /** `<scenario> on@<ratio> / off` for rps, p50 and p99: the median of the per-round ratios. */
  readonly ratios: readonly { readonly name: string; readonly value: number; readonly perRound: readonly number[] }[];
  /** What reached the sink: export requests, bytes, and spans (counted by their `traceId` fields). */
  readonly sink: { readonly requests: number; readonly bytes: number; readonly approxSpans: number };
}

const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The summary lines (terminal, Markdown, and npm run bench's report). */
export function tracingLines(report: TracingOverhead): string[] {
  return [
    ...report.results.map(
      (m) =>
        `${m.scenario.padEnd(34)} ${fmt(m.rate, 0).padStart(6)} rps  p50 ${fmt(m.p50Ms, 2)} ms  p99 ${fmt(m.p99Ms, 2)} ms` +
        (m.non2xx + m.errors + m.timeouts > 0 ? `  ⚠ ${m.non2xx} non-2xx, ${m.errors} errors` : ''),
    ),
    ...report.ratios.map(
      (r) =>
        `${r.name}: ${fmt(r.value, 3)}` +
        (r.perRound.length > 1 ? `  [rounds: ${r.perRound.map((v) => fmt(v, 3)).join(', ')}]` : ''),
    ),
    `sink received ${report.sink.requests} export requests, ${(report.sink.bytes / 2 ** 20).toFixed(1)} MiB, ≈ ${report.sink.approxSpans} spans`,
  ];
}
