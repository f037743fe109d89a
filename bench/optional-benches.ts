// The last children of `npm run bench`, each leaving its own detailed results file next to the run's:
//  - bench/shedding-ramp.ts --json (issue 9 §3): capacity of a request mix, then an open-loop ramp
//    0.5× → 3× of it against the service's shedding thresholds (--skip-ramp leaves it out);
//  - bench/tracing-overhead.ts --json (issue 10 §1): tracing off vs on (--skip-tracing).
// Both pin their own servers and generators and need only the PostgreSQL the run already uses; they
// run with run.ts's servers stopped. A bench that fails fails the run; a ramp that misses its criteria
// does not (its verdicts are reported, like the ratios' targets).
import { join } from 'node:path';
import { runPinnedForJson } from './pinned-process.ts';
import { type RampReport, verdictLines } from './ramp-report.ts';
import { type TracingOverhead, tracingLines } from './tracing-report.ts';

export interface OptionalBenchResults {
  readonly ramp?: RampReport;
  readonly tracing?: TracingOverhead;
  /** Benches not run, and why. */
  readonly skipped: readonly string[];
}

export interface OptionalBenchOptions {
  readonly benchDir: string;
  readonly repoRoot: string;
  readonly databaseUrl: string;
  readonly serverCore: number;
  readonly loadCore: number;
  readonly outDir: string;
  readonly skipRamp: boolean;
  readonly skipTracing: boolean;
  readonly log: (message: string) => void;
}

function check<T>(value: unknown, field: string, name: string): T {
  if (typeof value !== 'object' || value === null || !(field in value)) {
    throw new Error(`${name} printed an unexpected result: ${JSON.stringify(value).slice(0, 300)}`);
  }
  // Checked for its result field above; the script is ours and prints this shape with --json.
  return value as T;
}

export async function runOptionalBenches(options: OptionalBenchOptions): Promise<OptionalBenchResults> {
  const run = (script: string, timeoutMs: number) => {
    options.log(`measuring ${script} (its own results file goes to ${options.outDir})`);
    return runPinnedForJson({
      name: script,
      // The script pins its own children; it only orchestrates.
      core: undefined,
      args: [
        join(options.benchDir, script),
        ...['--database-url', options.databaseUrl, '--out', options.outDir],
        ...['--server-core', String(options.serverCore), '--load-core', String(options.loadCore), '--json'],
      ],
      cwd: options.repoRoot,
      timeoutMs,
    });
  };
  const skipped: string[] = [];
  if (options.skipRamp) skipped.push('shedding ramp: --skip-ramp');
  if (options.skipTracing) skipped.push('tracing overhead: --skip-tracing');
  const ramp = options.skipRamp
    ? undefined
    : check<RampReport>(await run('shedding-ramp.ts', 600_000), 'verdict', 'shedding-ramp.ts');
  const tracing = options.skipTracing
    ? undefined
    : check<TracingOverhead>(await run('tracing-overhead.ts', 600_000), 'ratios', 'tracing-overhead.ts');
  return { ...(ramp === undefined ? {} : { ramp }), ...(tracing === undefined ? {} : { tracing }), skipped };
}

/** The report's lines for these benches (terminal and Markdown alike). */
export function optionalBenchLines(results: OptionalBenchResults | undefined): string[] {
  if (results === undefined) return [];
  return [
    ...(results.ramp === undefined
      ? []
      : ['Load-shedding ramp (bench/shedding-ramp.ts):', ...verdictLines(results.ramp)]),
    ...(results.tracing === undefined
      ? []
      : ['Tracing overhead (bench/tracing-overhead.ts):', ...tracingLines(results.tracing)]),
    ...results.skipped.map((reason) => `skipped: ${reason}`),
  ];
}
