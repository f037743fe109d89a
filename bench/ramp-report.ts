import type { MachineInfo } from './machine.ts';
import { type MixClass, type MixResult, mixClasses, mixRequests } from './mix-spec.ts';

/** Verdicts and the per-second table of bench/shedding-ramp.ts (terminal, Markdown, JSON). */

export interface RampVerdict {
  /** The larger of the measured capacity and the best 5-s mean goodput of the ramp (2xx/s). */
  readonly peakGoodput: number;
  /** Over the seconds whose offered load was ≥ capacity: the lowest 1-s and 3-s mean goodput. */
  readonly overloadedSeconds: number;
  readonly minGoodput1s: number;
  readonly minGoodput3s: number;
  /**
   * Work goodput: each 2xx weighted by what its class costs the server core (ms of CPU, measured
   * alone), so a payment counts as the ~20 reads it displaces. Peak: the larger of the capacity
   * run's mean and the ramp's best 5-s mean. Judged, as the count, on the lowest 3-s mean.
   */
  readonly peakWorkMs: number;
  readonly minWork3s: number;
  /**
   * The criterion, on work goodput: priority shedding admits payments before reads, so under
   * overload the answers get fewer and dearer, and a count would call that a collapse.
   */
  readonly goodputHeld: boolean;
  /** The same criterion on the count of 2xx (reported, not judged). */
  readonly countHeld: boolean;
  readonly rejectP99Ms: number;
  readonly rejectsFast: boolean;
  readonly paymentSuccess: number;
  readonly paymentsHeld: boolean;
  /** Shed responses by class over the ramp (and the drain after it). */
  readonly shedByClass: Readonly<Record<MixClass, number>>;
  readonly readsShed: boolean;
  /** Changes of the sampled shed level, and how many steps down were undone at the next sample (~1 s). */
  readonly levelChanges: number;
  readonly flaps: number;
  readonly rssStartMiB: number;
  readonly rssMaxMiB: number;
  /** RSS stayed ≤ 3 × its value at the start of the ramp and ≤ 1 GiB. */
  readonly rssBounded: boolean;
  readonly transportErrors: number;
  readonly crashed: boolean;
  readonly allMet: boolean;
}

export interface RampReport {
  readonly command: string;
  readonly date: string;
  readonly machine: MachineInfo;
  readonly loadAverageAtEnd: readonly number[];
  readonly settings: Readonly<Record<string, unknown>>;
  /** Requests per second answered 2xx at saturation (closed loop). */
  readonly capacity: number;
  /** Server-core CPU (ms) per 2xx of each class, measured alone at saturation. */
  readonly classCostMs: Readonly<Record<MixClass, number>>;
  readonly capacityRun?: MixResult;
  readonly ramp: MixResult;
  readonly crashed: boolean;
  readonly serviceLogTail?: string;
  readonly verdict: RampVerdict;
}

type Second = MixResult['seconds'][number];
const goodput = (s: Second) => mixClasses.reduce((n, c) => n + s.byClass[c].ok, 0);
const failed = (s: Second) =>
  mixClasses.reduce((n, c) => n + Object.values(s.byClass[c].failed).reduce((a, b) => a + b, 0), 0);

function rollingMin(values: readonly number[], width: number): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i + width <= values.length; i++) {
    min = Math.min(min, values.slice(i, i + width).reduce((a, b) => a + b, 0) / width);
  }
  return min;
}

function rollingMax(values: readonly number[], width: number): number {
  return -rollingMin(
    values.map((v) => -v),
    width,
  );
}

/** Server-core CPU (ms) the second's 2xx answers stand for, at each class's cost alone. */
function workOf(s: Second, costMs: Readonly<Record<MixClass, number>>): number {
  return mixClasses.reduce((n, c) => n + s.byClass[c].ok * costMs[c], 0);
}

export function judgeRamp(
  ramp: MixResult,
  capacity: number,
  crashed: boolean,
  costMs: Readonly<Record<MixClass, number>>,
  capacityRun: MixResult | undefined,
): RampVerdict {
  const after = ramp.seconds.filter((s) => s.t >= 0);
  // The ramp's own seconds: the drain after it offers nothing and is judged by its answers only.
  const byT = after.filter((s) => s.offered > 0).sort((a, b) => a.t - b.t);
  const rates = byT.map(goodput);
  const peakGoodput = Math.max(capacity, rollingMax(rates, 5));
  const overloaded = byT.filter((s) => s.offered >= capacity);
  const overloadedRates = overloaded.map(goodput);
  const minGoodput3s = rollingMin(overloadedRates, 3);
  const capacityWindow = capacityRun?.seconds.filter((s) => s.t >= 0 && s.offered > 0) ?? [];
  const capacityWork = capacityWindow.reduce((n, s) => n + workOf(s, costMs), 0) / Math.max(1, capacityWindow.length);
  const peakWorkMs = Math.max(
    capacityWork,
    rollingMax(
      byT.map((s) => workOf(s, costMs)),
      5,
    ),
  );
  const minWork3s = rollingMin(
    overloaded.map((s) => workOf(s, costMs)),
    3,
  );
  const sum = (pick: (s: Second) => number) => after.reduce((n, s) => n + pick(s), 0);
  const pay = (s: Second) => s.byClass.critical;
  const payOk = sum((s) => pay(s).ok);
  const payAll = payOk + sum((s) => pay(s).shed) + sum((s) => Object.values(pay(s).failed).reduce((a, b) => a + b, 0));
  const shedByClass = Object.fromEntries(mixClasses.map((c) => [c, sum((s) => s.byClass[c].shed)])) as Record<
    MixClass,
    number
  >;
  const levels = byT.map((s) => s.shedLevel).filter((l) => Number.isFinite(l));
  let levelChanges = 0;
  let flaps = 0;
  for (let i = 1; i < levels.length; i++) {
    if (levels[i] !== levels[i - 1]) levelChanges++;
    // Down, then up again at the next sample: the hysteresis did not hold.
    const [a, b, c] = [levels[i - 2], levels[i - 1], levels[i]];
    if (a !== undefined && b !== undefined && c !== undefined && b < a && c > b) flaps++;
  }
  const rss = after.map((s) => s.rssMiB).filter((r) => r > 0);
  const rssStartMiB = rss[0] ?? 0;
  const rssMaxMiB = Math.max(...rss, 0);
  const transportErrors = sum((s) => mixClasses.reduce((n, c) => n + (s.byClass[c].failed.error ?? 0), 0));
  const rejectP99Ms = ramp.shedLatencyMs.p99;
  const verdict = {
    peakGoodput,
    overloadedSeconds: overloaded.length,
    minGoodput1s: Math.min(...overloadedRates),
    minGoodput3s,
    peakWorkMs,
    minWork3s,
    goodputHeld: overloaded.length > 0 && minWork3s >= 0.9 * peakWorkMs,
    countHeld: overloaded.length > 0 && minGoodput3s >= 0.9 * peakGoodput,
    rejectP99Ms,
    rejectsFast: ramp.shedLatencyMs.count > 0 && rejectP99Ms <= 10,
    paymentSuccess: payAll === 0 ? Number.NaN : payOk / payAll,
    paymentsHeld: payAll > 0 && payOk / payAll >= 0.999,
    shedByClass,
    readsShed: shedByClass.read > 0,
    levelChanges,
    flaps,
    rssStartMiB,
    rssMaxMiB,
    rssBounded: rssMaxMiB <= Math.max(3 * rssStartMiB, 1) && rssMaxMiB <= 1_024,
    transportErrors,
    crashed,
  };
  const allMet =
    verdict.goodputHeld &&
    verdict.rejectsFast &&
    verdict.paymentsHeld &&
    verdict.readsShed &&
    verdict.flaps === 0 &&
    verdict.rssBounded &&
    !crashed;
  return { ...verdict, allMet };
}

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const mark = (ok: boolean) => (ok ? 'yes' : '**NO**');

export function verdictLines(report: RampReport): string[] {
  const v = report.verdict;
  return [
    `capacity (closed loop, 2xx/s): ${f0(report.capacity)}; peak goodput ${f0(v.peakGoodput)}`,
    `cost of one 2xx, each class alone (ms of server-core CPU): ${mixClasses.map((c) => `${c} ${f2(report.classCostMs[c])}`).join(', ')}`,
    `work goodput ≥ 90% of peak while offered ≥ capacity (${v.overloadedSeconds} s): ${mark(v.goodputHeld)} — lowest 3-s mean ${f0(v.minWork3s)} of peak ${f0(v.peakWorkMs)} core-ms/s (${f1((v.minWork3s / v.peakWorkMs) * 100)}%)`,
    `count goodput (2xx/s, not judged: payments cost ~${f0(report.classCostMs.critical / report.classCostMs.read)} reads) ≥ 90% of peak: ${v.countHeld ? 'yes' : 'no'} — lowest 3-s mean ${f0(v.minGoodput3s)} of ${f0(v.peakGoodput)} (${f1((v.minGoodput3s / v.peakGoodput) * 100)}%), lowest second ${f0(v.minGoodput1s)}`,
    `rejects answered in ≤ 10 ms p99: ${mark(v.rejectsFast)} — p99 ${f1(v.rejectP99Ms)} ms, p50 ${f1(report.ramp.shedLatencyMs.p50)} ms, max ${f1(report.ramp.shedLatencyMs.max)} ms over ${report.ramp.shedLatencyMs.count} rejects`,
    `payments ≥ 99.9% successful: ${mark(v.paymentsHeld)} — ${Number.isFinite(v.paymentSuccess) ? `${(v.paymentSuccess * 100).toFixed(2)}%` : 'n/a'}`,
    `shed by class: ${mixClasses.map((c) => `${c} ${v.shedByClass[c]}`).join(', ')}; reads shed: ${mark(v.readsShed)}`,
    `shed level changes ${v.levelChanges}, flaps (a step down undone at the next sample) ${v.flaps}`,
    `server RSS: ${f1(v.rssStartMiB)} MiB at the start, max ${f1(v.rssMaxMiB)} MiB; bounded: ${mark(v.rssBounded)}`,
    `crash: ${v.crashed ? '**YES**' : 'no'}; transport errors ${v.transportErrors}; sockets opened ${report.ramp.socketsOpened ?? 'n/a'}; schedule lag max ${f1(report.ramp.maxScheduleLagMs)} ms`,
    `all criteria met: ${mark(v.allMet)}`,
  ];
}

const columns = [
  't s',
  'offered',
  'goodput',
  'work core-ms',
  'core CPU ms',
  'shed crit/write/read/bulk',
  'other',
  'reject p99 ms',
  '2xx p99 ms',
  'pay ok %',
  'RSS MiB',
  'level (depth)',
  'pressure',
  'in flight',
  'client loop p99 ms',
  'host steal ms',
];

function secondRow(s: Second, costMs: Readonly<Record<MixClass, number>>): string[] {
  const pay = s.byClass.critical;
  const payFailed = Object.values(pay.failed).reduce((a, b) => a + b, 0);
  const payAll = pay.ok + pay.shed + payFailed;
  return [
    String(s.t),
    String(s.offered),
    String(goodput(s)),
    f0(workOf(s, costMs)),
    f0(s.coreCpuMs),
    mixClasses.map((c) => s.byClass[c].shed).join('/'),
    String(failed(s)),
    f1(s.shedP99Ms),
    f0(s.okP99Ms),
    payAll === 0 ? '' : ((pay.ok / payAll) * 100).toFixed(1),
    f1(s.rssMiB),
    Number.isFinite(s.shedLevel) && s.shedLevel !== null
      ? `${s.shedLevel}${Number.isFinite(s.shedDepth) && s.shedDepth !== null ? ` (${s.shedDepth.toFixed(2)})` : ''}`
      : 'n/a',
    Number.isFinite(s.shedPressure) && s.shedPressure !== null ? s.shedPressure.toFixed(2) : 'n/a',
    Number.isFinite(s.shedInFlight) && s.shedInFlight !== null ? String(s.shedInFlight) : 'n/a',
    f0(s.clientLoopP99Ms),
    s.stealMs === undefined ? 'n/a' : f0(s.stealMs),
  ];
}

export function renderRampText(report: RampReport): string {
  return `${verdictLines(report).join('\n')}\n`;
}

export function renderRampMarkdown(report: RampReport): string {
  const m = report.machine;
  const settings = Object.entries(report.settings).map(([k, v]) => `- ${k}: ${JSON.stringify(v)}`);
  return [
    `# Load-shedding ramp ${report.date}`,
    '',
    `Command: \`${report.command}\``,
    '',
    '## Machine',
    '',
    `- nproc ${m.nproc}, ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}`,
    `- PostgreSQL: ${m.postgres}`,
    `- load average at start / end (1/5/15 min): ${m.loadAverageAtStart.join(' / ')} — ${report.loadAverageAtEnd.join(' / ')}`,
    '',
    '## Settings',
    '',
    ...settings,
    ...mixClasses.map((c) => `- ${c}: ${mixRequests[c]}`),
    '',
    '## Verdict',
    '',
    ...verdictLines(report).map((l) => `- ${l}`),
    '',
    '## Per second',
    '',
    'Counts are by the second the answer arrived; negative t = warm-up at the starting rate, t ≥ the ramp length = answers draining after the schedule ended.',
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => ' ---: ').join('|')}|`,
    ...report.ramp.seconds.map((s) => `| ${secondRow(s, report.classCostMs).join(' | ')} |`),
    '',
    ...(report.serviceLogTail === undefined
      ? []
      : ['## Service log tail (it crashed)', '', '```', report.serviceLogTail, '```', '']),
  ].join('\n');
}
