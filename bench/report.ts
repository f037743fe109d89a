import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.ts';
import { hasFailures, type Measurement } from './measurement.ts';
import { ratioPerRound } from './rounds.ts';

/** Renders one run (table, ratios, context) for the terminal, Markdown and JSON. */

export interface Ratio {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
  /** Median over rounds of the per-round ratio. */
  readonly value: number;
  readonly perRound: readonly number[];
  /** Target for later work: reported, never enforced. */
  readonly target: number;
  readonly meetsTarget: boolean;
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
  /** Scenarios with non-2xx responses, errors or timeouts: their numbers are not clean. */
  readonly failures: readonly string[];
}

export function ratio(
  name: string,
  rounds: readonly (readonly Measurement[])[],
  numerator: string,
  denominator: string,
  target: number,
): Ratio {
  const { value, perRound } = ratioPerRound(rounds, numerator, denominator);
  return { name, numerator, denominator, value, perRound, target, meetsTarget: value >= target };
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

const header = ['scenario', 'tool', 'rps/tps', 'p50 ms', 'p99 ms', 'completed', 'non-2xx', 'errors'];

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
  ]);
}

function ratioLine(r: Ratio): string {
  const rounds = r.perRound.length > 1 ? `  [rounds: ${r.perRound.map(pct).join(', ')}]` : '';
  return `${r.name}: ${pct(r.value)}   (target ≥ ${pct(r.target)}: ${r.meetsTarget ? 'met' : 'NOT met'})${rounds}`;
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
  out.push('Ratios (same run; targets are for later work, not enforced):');
  for (const r of report.ratios) out.push(`  ${ratioLine(r)}`);
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
      ? `Median over ${report.rounds.length} interleaved rounds (rates, p50, p99); counts summed. Per-round tables below.`
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
