import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventBenchResults, eventBenchLines } from './event-benches.ts';
import { type HotPathResults, hotPathLines } from './hot-path-report.ts';
import type { MachineInfo } from './machine.ts';
import { hasFailures, type Measurement } from './measurement.ts';
import { type OptionalBenchResults, optionalBenchLines } from './optional-benches.ts';
import { type RatioMetric, ratioPerRound } from './rounds.ts';

/** Renders one run (table, ratios, context) for the terminal, Markdown and JSON. */

export interface Ratio {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  /** Median over rounds of the per-round ratio. */
  readonly value: number;
  readonly perRound: readonly number[];
  /** Rates (shown as %) or a latency percentile (shown as ×). */
  readonly metric: RatioMetric;
  /** Target for later work: reported, never enforced; undefined = none set yet. */
  readonly target: number | undefined;
  readonly meetsTarget: boolean | undefined;
}

/** bench/resilience-overhead.ts --json: per-call cost of the resilience policy vs a bare call. */
export interface ResilienceOverhead {
  readonly calls: number;
  readonly rounds: number;
  readonly concurrency: number;
  readonly rows: readonly {
    readonly mode: string;
    readonly scenario: string;
    readonly usPerCall: number;
    readonly overheadUs: number;
  }[];
}

export interface Report {
  readonly command: string;
  readonly date: string;
  readonly machine: MachineInfo;
  /** 1/5/15-minute load averages when the run ended; far above nproc = other work competed. */
  readonly loadAverageAtEnd: readonly number[];
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** One row per scenario: median rate/percentiles over the rounds, summed counts. */
  readonly results: readonly Measurement[];
  /** Every round's raw measurements, in the order they ran. */
  readonly rounds: readonly (readonly Measurement[])[];
  readonly ratios: readonly Ratio[];
  /** Resilience policy overhead in µs per call (measured once per run, servers idle). */
  readonly resilience?: ResilienceOverhead;
  /** bench/event-flow.ts and bench/webhook-dispatch.ts, run after the HTTP scenarios (or skipped). */
  readonly events?: EventBenchResults;
  /** Issue 9 §6 beside the table: cache warmth, rate-limit overhead, RSS soak, the NestJS peer. */
  readonly hotPath?: HotPathResults;
  /** bench/shedding-ramp.ts and bench/tracing-overhead.ts, run last (or skipped). */
  readonly optional?: OptionalBenchResults;
  /** Scenarios with non-2xx responses, errors or timeouts: their numbers are not clean. */
  readonly failures: readonly string[];
}

export function ratio(
  name: string,
  rounds: readonly (readonly Measurement[])[],
  numerator: string,
  denominator: string,
  target: number | undefined,
  metric: RatioMetric = 'rate',
): Ratio {
  const { value, perRound } = ratioPerRound(rounds, numerator, denominator, metric);
  const meetsTarget = target === undefined ? undefined : value >= target;
  return { name, numerator, denominator, value, perRound, metric, target, meetsTarget };
}

export function failuresOf(results: readonly Measurement[]): string[] {
  return results
    .filter(hasFailures)
    .map(
      (m) =>
        `${m.scenario}: ${m.completed} completed, ${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts ` +
        `(${JSON.stringify(m.breakdown)})`,
    );
}

const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)}%` : 'n/a');

const header = ['scenario', 'tool', 'rps/tps', 'p50 ms', 'p99 ms', 'completed', 'non-2xx', 'errors', 'host steal %'];

function rows(results: readonly Measurement[]): string[][] {
  return results.map((m) => [
    m.scenario,
    m.tool,
    fmt(m.rate, 0),
    fmt(m.p50Ms, 2),
    fmt(m.p99Ms, 2),
    String(m.completed),
    String(m.non2xx),
    String(m.errors + m.timeouts) + (hasFailures(m) ? ' ⚠' : ''),
    fmt(m.stealPct ?? Number.NaN, 1),
  ]);
}

const times = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : 'n/a');

function ratioLine(r: Ratio): string {
  const show = r.metric === 'rate' ? pct : times;
  const rounds = r.perRound.length > 1 ? `  [rounds: ${r.perRound.map(show).join(', ')}]` : '';
  const target =
    r.target === undefined ? 'no target yet' : `target ≥ ${show(r.target)}: ${r.meetsTarget ? 'met' : 'NOT met'}`;
  return `${r.name}: ${show(r.value)}   (${target})${rounds}`;
}

function resilienceLines(report: Report): string[] {
  const r = report.resilience;
  if (r === undefined) return [];
  return [
    `Resilience policy overhead per call (bench/resilience-overhead.ts, ${r.calls} calls × ${r.rounds} rounds, medians; concurrent = ${r.concurrency} in flight):`,
    ...r.rows.map(
      (row) =>
        `${row.mode.padEnd(10)} ${row.scenario.padEnd(15)} ${row.usPerCall.toFixed(3).padStart(8)} µs/call   overhead ${row.overheadUs.toFixed(3).padStart(7)} µs`,
    ),
  ];
}

/** A warning when other work on the host competed with the run (1-minute load above the core count). */
export function busyHostWarning(report: Report): string | undefined {
  const { nproc, loadAverageAtStart } = report.machine;
  const peak = Math.max(loadAverageAtStart[0] ?? 0, report.loadAverageAtEnd[0] ?? 0);
  if (peak <= nproc) return undefined;
  return (
    `BUSY HOST: 1-minute load average reached ${peak} on ${nproc} cores. Other processes shared the pinned cores; ` +
    'CPU-bound scenarios (bare Fastify above all) lose most, which inflates the GET ratio. Rerun in a quieter window or with --rounds 3.'
  );
}

export function renderText(report: Report): string {
  const all = [header, ...rows(report.results)];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows(report.results).map(line), ''];
  if (report.rounds.length > 1) out.unshift(`Median of ${report.rounds.length} interleaved rounds:`);
  out.push('Ratios (same run; targets are reported, not enforced):');
  for (const r of report.ratios) out.push(`  ${ratioLine(r)}`);
  const hotPath = hotPathLines(report.hotPath);
  if (hotPath.length > 0) out.push('', 'Hot path (issue 9 §6):', ...hotPath.map((l) => `  ${l}`));
  const events = eventBenchLines(report.events);
  if (events.length > 0)
    out.push(
      '',
      'Events and webhooks (bench/event-flow.ts, bench/webhook-dispatch.ts):',
      ...events.map((l) => `  ${l}`),
    );
  const resilience = resilienceLines(report);
  if (resilience.length > 0) out.push('', ...resilience.map((l, i) => (i === 0 ? l : `  ${l}`)));
  const optional = optionalBenchLines(report.optional);
  if (optional.length > 0) out.push('', ...optional.map((l) => (l.endsWith(':') ? l : `  ${l}`)));
  const busy = busyHostWarning(report);
  if (busy !== undefined) out.push('', `⚠ ${busy}`);
  if (report.failures.length > 0) {
    out.push('', '!!!!!!!!!! ERRORS DURING MEASUREMENT: these numbers are NOT clean !!!!!!!!!!');
    for (const f of report.failures) out.push(`  ${f}`);
  }
  return `${out.join('\n')}\n`;
}

function markdownTable(results: readonly Measurement[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows(results).map((row) => `| ${row.join(' | ')} |`),
  ];
}

function perRoundTables(report: Report): string[] {
  if (report.rounds.length <= 1) return [];
  return report.rounds.flatMap((round, i) => [`### Round ${i + 1}`, '', ...markdownTable(round), '']);
}

function resilienceMarkdown(report: Report): string[] {
  const r = report.resilience;
  if (r === undefined) return [];
  return [
    '## Resilience policy overhead',
    '',
    `\`bench/resilience-overhead.ts --json\`: ${r.calls} calls × ${r.rounds} rounds, medians; concurrent = ${r.concurrency} calls in flight.`,
    '',
    '| mode | scenario | µs/call | overhead µs |',
    '| --- | --- | ---: | ---: |',
    ...r.rows.map(
      (row) => `| ${row.mode} | ${row.scenario} | ${row.usPerCall.toFixed(3)} | ${row.overheadUs.toFixed(3)} |`,
    ),
    '',
  ];
}

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const table = markdownTable(report.results);
  const settings = Object.entries(report.settings).map(([k, v]) => `- ${k}: ${String(v)}`);
  const failures =
    report.failures.length === 0
      ? ['No non-2xx responses, errors or timeouts.']
      : [
          '> **⚠ ERRORS DURING MEASUREMENT: these numbers are not clean.**',
          '',
          ...report.failures.map((f) => `- ${f}`),
        ];
  return [
    `# Bench run ${report.date}`,
    '',
    `Command: \`${report.command}\``,
    '',
    '## Machine',
    '',
    `- nproc: ${m.nproc}`,
    `- CPU: ${m.cpuModel}`,
    `- memory: ${m.memoryGiB} GiB`,
    `- OS: ${m.os}`,
    `- Node: ${m.node}`,
    `- PostgreSQL: ${m.postgres}`,
    `- load average at start / end (1/5/15 min): ${m.loadAverageAtStart.join(' / ')} — ${report.loadAverageAtEnd.join(' / ')}`,
    '',
    '## Settings',
    '',
    ...settings,
    '',
    '## Results',
    '',
    report.rounds.length > 1
      ? `Median over ${report.rounds.length} interleaved rounds (rates, p50, p99); counts summed; host steal % is the worst round's (the share of the machine's CPU time the hypervisor gave other guests during the window). Per-round tables below.`
      : 'One round.',
    '',
    ...table,
    '',
    ...perRoundTables(report),
    '## Ratios',
    '',
    'Compare ratios, not absolute figures: the machine is shared and swings 1.4–1.8× between windows.',
    '',
    ...(busyHostWarning(report) === undefined ? [] : [`> ⚠ ${busyHostWarning(report)}`, '']),
    ...report.ratios.map((r) => `- ${ratioLine(r)}`),
    '',
    ...(report.hotPath === undefined
      ? []
      : ['## Hot path (issue 9 §6)', '', ...hotPathLines(report.hotPath).map((l) => `- ${l}`), '']),
    ...(report.events === undefined
      ? []
      : ['## Events and webhooks', '', ...eventBenchLines(report.events).map((l) => `- ${l}`), '']),
    ...resilienceMarkdown(report),
    ...(report.optional === undefined
      ? []
      : [
          '## Load-shedding ramp and tracing overhead',
          '',
          ...optionalBenchLines(report.optional).map((l) => (l.endsWith(':') ? `**${l}**` : `- ${l}`)),
          '',
        ]),
    '## Errors',
    '',
    ...failures,
    '',
  ].join('\n');
}

/** Writes `<dir>/<YYYY-MM-DD>-<HHMM>.md` and its `.json` twin; returns the Markdown path. */
export function writeReport(dir: string, report: Report, now: Date): string {
  mkdirSync(dir, { recursive: true });
  const two = (n: number) => String(n).padStart(2, '0');
  let stem = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}`;
  if (existsSync(join(dir, `${stem}.md`))) stem = `${stem}${two(now.getSeconds())}`;
  const md = join(dir, `${stem}.md`);
  writeFileSync(md, renderMarkdown(report));
  writeFileSync(join(dir, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return md;
}
