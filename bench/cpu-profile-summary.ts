// Summarises a V8 .cpuprofile (`node --cpu-prof`): self time by function and by area (our
// service, the kit, each npm package, Node's internals, GC, idle), as a Markdown table.
// Usage: node bench/cpu-profile-summary.ts <file.cpuprofile> [--last-ms N]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly startTime: number;
  readonly endTime: number;
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Where a function lives, by its script URL. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg !== undefined) return pkg;
  if (url.startsWith('node:')) return 'node (internals)';
  if (url.includes('/services/checkout/src/')) return 'checkout (ours)';
  if (url.includes('/services/psp-sim/')) return 'psp-sim';
  if (url.includes('/packages/kit/src/')) return '@keelson/kit (ours)';
  return url;
}

/** How the summary names its window: all of the profile, its end, or a stretch before its end. */
function windowOf(lastMs: number, beforeEndMs: number): string {
  const seconds = (ms: number) => (ms / 1_000).toFixed(1);
  if (beforeEndMs > 0) {
    const span = Number.isFinite(lastMs) ? `, ${seconds(lastMs)} s` : ', everything';
    return `${span} ending ${seconds(beforeEndMs)} s before the profile did`;
  }
  return Number.isFinite(lastMs) ? `, the profile's last ${seconds(lastMs)} s` : '';
}

/**
 * `lastMs`: only the samples of the profile's last that many milliseconds (e.g. the load, not the
 * start-up); `beforeEndMs`: that window ends so long before the profile does (e.g. the idle time
 * between the load's end and the process's exit).
 */
export function summarise(
  profile: CpuProfile,
  top: number,
  lastMs = Number.POSITIVE_INFINITY,
  beforeEndMs = 0,
): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  const untilUs = profile.endTime - beforeEndMs * 1_000;
  const fromUs = untilUs - lastMs * 1_000;
  // timeDeltas[i] is the time before sample i; attribute it to the sample's node.
  let at = profile.startTime;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= fromUs && at <= untilUs) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === '(idle)') continue;
    const area = areaOf(frame.url, frame.functionName);
    const where =
      frame.url === ''
        ? ''
        : ` ${frame.url.replace(/^.*\/(node_modules|services|packages)\//, '$1/')}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || '(anonymous)'}${where}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)} %`;
  const rows = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `| ${name.replaceAll('|', '\\|')} | ${(us / 1_000).toFixed(0)} | ${pct(us)} |`)
      .join('\n');
  return [
    `Busy CPU ${(busy / 1_000).toFixed(0)} ms of ${(total / 1_000).toFixed(0)} ms sampled (the rest idle)${windowOf(lastMs, beforeEndMs)}.`,
    '',
    '| area (self time) | ms | of busy |',
    '|---|---:|---:|',
    rows(areas, 15),
    '',
    `| function (self time, top ${top}) | ms | of busy |`,
    '|---|---:|---:|',
    rows(fns, top),
  ].join('\n');
}

if (import.meta.main) {
  const [file, flag, n] = process.argv.slice(2);
  if (file === undefined) throw new Error('usage: node bench/cpu-profile-summary.ts <file.cpuprofile> [--last-ms N]');
  // A .cpuprofile is this JSON shape (V8's Profiler.Profile).
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  console.log(summarise(profile, 25, flag === '--last-ms' ? Number(n) : undefined));
}

/** What {@link writeProfileReport} needs of a profiled run. */
export interface ProfiledRun {
  /** Where `node --cpu-prof-dir` wrote the (single) profile. */
  readonly profileDir: string;
  /** Milliseconds of the profile to summarise: the load, not the start-up. */
  readonly loadMs: number;
  /** Title of the report, after "CPU profile of". */
  readonly what: string;
  /** The command line and setting, as a Markdown paragraph. */
  readonly how: string;
  /** The load generator's measurement, printed as JSON. */
  readonly measured: unknown;
  readonly outDir: string;
  /** File name suffix, e.g. `read-profile`. */
  readonly name: string;
}

/**
 * Keeps the profile in the temp dir, summarises it, writes `<stamp>-<name>.md` under `outDir`
 * and prints the summary: the common end of the bench/profile-*.ts scripts.
 */
export function writeProfileReport(run: ProfiledRun): void {
  const [file] = readdirSync(run.profileDir).filter((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error('the service wrote no .cpuprofile');
  const kept = join(tmpdir(), `keelson-${run.name}-${Date.now()}.cpuprofile`);
  copyFileSync(join(run.profileDir, file), kept);
  const summary = summarise(JSON.parse(readFileSync(kept, 'utf8')), 30, run.loadMs);
  const stamp = new Date().toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  mkdirSync(run.outDir, { recursive: true });
  const out = join(run.outDir, `${stamp}-${run.name}.md`);
  writeFileSync(
    out,
    `# CPU profile of ${run.what} (${new Date().toISOString()})\n\n${run.how}\n\n` +
      `Load: ${JSON.stringify(run.measured)}\n\n${summary}\n\n` +
      `The profile: ${kept} (not kept in the repository; open it in Chrome DevTools).\n`,
  );
  console.log(summary);
  console.log(`\nwritten to ${out}`);
}
