// Load generator child of bench/shedding-ramp.ts: a mix of the service's request classes, either
// closed-loop (N connections back to back: the saturation goodput, i.e. capacity) or open-loop
// (a rate rising linearly from `fromRps` to `toRps`: requests leave on schedule whatever the
// server answers, so overload builds as it would from many independent clients). Every second
// it records what was offered and what came back, by class, plus the server's RSS (from /proc) and
// the shedder's level and pressure (from the admin /metrics). Prints one JSON MixResult line.
// Usage: node bench/open-loop-mix.ts '<json MixSpec>'
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostStealMs } from './host-steal.ts';
import {
  type ClassCounts,
  type MixClass,
  type MixResult,
  type MixSpec,
  mixClasses,
  type SecondStats,
} from './mix-spec.ts';
import { percentile } from './percentiles.ts';
import { cpuMsOf } from './proc-cpu.ts';
import { createRawHttpClient } from './raw-http-client.ts';

const spec: MixSpec = JSON.parse(process.argv[2] ?? '{}');
const orders = readFileSync(spec.ordersFile, 'utf8').split('\n').filter(Boolean);
let nextOrder = 0;
let ordersExhausted = 0;
const keyPrefix = `ramp-${randomUUID()}-`;
let nextKey = 0;
const url = new URL(spec.baseUrl);
// Open loop: a new socket whenever all are busy, so a slow server never holds the schedule back.
const client = createRawHttpClient(url.hostname, Number(url.port));
const fixedHeaders = `host: ${url.host}\r\nauthorization: Bearer ${spec.token}\r\n`;

const cumulative = mixClasses.map((c) => spec.weights[c]);
for (let i = 1; i < cumulative.length; i++) cumulative[i] = (cumulative[i] ?? 0) + (cumulative[i - 1] ?? 0);
function pickClass(): MixClass {
  const x = Math.random() * (cumulative.at(-1) ?? 1);
  return mixClasses[cumulative.findIndex((edge) => x < edge)] ?? 'read';
}
const randomProduct = () => spec.productIds[Math.floor(Math.random() * spec.productIds.length)] ?? '';

function requestOf(kind: MixClass): { method: string; path: string; body?: string; key?: boolean } | undefined {
  switch (kind) {
    case 'read':
      return { method: 'GET', path: `/v1/products/${randomProduct()}` };
    case 'bulk':
      return { method: 'GET', path: '/v1/orders?limit=20' };
    case 'write':
      return {
        method: 'POST',
        path: '/v1/orders',
        body: JSON.stringify({ lines: [{ product_id: randomProduct(), quantity: 1 }] }),
      };
    case 'critical': {
      const id = orders[nextOrder++];
      if (id === undefined) return undefined;
      return {
        method: 'POST',
        path: `/v1/orders/${id}/payments`,
        body: '{"payment_method":"pm_card_visa"}',
        key: true,
      };
    }
  }
}

const emptyCounts = (): Record<MixClass, ClassCounts> =>
  Object.fromEntries(mixClasses.map((c) => [c, { sent: 0, ok: 0, shed: 0, failed: {} }])) as Record<
    MixClass,
    ClassCounts
  >;
const seconds = new Map<number, SecondStats>();
let measureStart = 0;
function secondAt(ms: number): SecondStats {
  const t = Math.floor((ms - measureStart) / 1_000);
  let s = seconds.get(t);
  if (s === undefined) {
    s = {
      t,
      offered: 0,
      byClass: emptyCounts(),
      okMs: [],
      shedMs: [],
      rssMiB: 0,
      coreCpuMs: 0,
      shedLevel: Number.NaN,
      shedDepth: Number.NaN,
      shedPressure: Number.NaN,
      shedInFlight: Number.NaN,
      stealMs: 0,
      clientLoopP99Ms: 0,
    };
    seconds.set(t, s);
  }
  return s;
}

/** Sends one request of `kind`; resolves when it is answered (never rejects). */
function send(kind: MixClass): Promise<void> {
  const r = requestOf(kind);
  const sentAt = performance.now();
  if (r === undefined) {
    ordersExhausted++;
    return Promise.resolve();
  }
  secondAt(sentAt).byClass[kind].sent++;
  let head = `${r.method} ${r.path} HTTP/1.1\r\n${fixedHeaders}`;
  if (r.body !== undefined)
    head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(r.body)}\r\n`;
  if (r.key === true) head += `idempotency-key: ${keyPrefix}${nextKey++}\r\n`;
  const bytes = Buffer.from(`${head}\r\n${r.body ?? ''}`);
  return new Promise((resolve) => {
    // Counted in the second the answer arrives: goodput is what the server delivers per second.
    client.send(bytes, (answer) => {
      const now = performance.now();
      const s = secondAt(now);
      const counts = s.byClass[kind];
      const outcome = 'error' in answer ? 'error' : answer.status;
      if ('status' in answer && answer.status >= 200 && answer.status < 300) {
        counts.ok++;
        s.okMs.push(now - sentAt);
      } else if ('status' in answer && answer.status === 503 && answer.body.includes('"overloaded"')) {
        counts.shed++;
        s.shedMs.push(now - sentAt);
      } else counts.failed[String(outcome)] = (counts.failed[String(outcome)] ?? 0) + 1;
      resolve();
    });
  });
}

function rssMiB(): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${spec.serverPid}/status`, 'utf8'));
    return match?.[1] === undefined ? 0 : Math.round(Number(match[1]) / 102.4) / 10;
  } catch {
    return 0; // the server is gone: reported as RSS 0 and, by the parent, as a crash
  }
}

const coreCpuMs = () => spec.corePids.reduce((ms, pid) => ms + cpuMsOf(pid), 0);

async function shedGauges(): Promise<{ level: number; depth: number; pressure: number; inFlight: number }> {
  try {
    const res = await fetch(`${spec.adminUrl}/metrics`, { signal: AbortSignal.timeout(3_000) });
    const text = await res.text();
    const gauge = (name: string) => Number(new RegExp(`^\\w*${name} ([\\d.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    return {
      level: gauge('load_shed_level'),
      depth: gauge('load_shed_depth'),
      pressure: gauge('load_shed_pressure'),
      inFlight: gauge('load_shed_in_flight'),
    };
  } catch {
    return { level: Number.NaN, depth: Number.NaN, pressure: Number.NaN, inFlight: Number.NaN };
  }
}

/** Once a second: RSS, the shedder's gauges and this client's queue, into the second just ended. */
function startSampler(): () => void {
  let scraping = false;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpuBefore = coreCpuMs();
  let stealBefore = hostStealMs();
  const timer = setInterval(() => {
    const s = secondAt(performance.now() - 500);
    const cpuNow = coreCpuMs();
    s.coreCpuMs = cpuNow - cpuBefore;
    cpuBefore = cpuNow;
    s.clientLoopP99Ms = loop.count === 0 ? 0 : Math.round(loop.percentile(99) / 1e5) / 10;
    loop.reset();
    s.rssMiB = rssMiB();
    const stealNow = hostStealMs();
    s.stealMs = stealNow - stealBefore;
    stealBefore = stealNow;
    // The admin listener shares the service's loop: under overload its answer is late. The gauges are
    // read when the server runs the handler, just before it answers, so they go into the second the
    // answer arrives (a second without one shows n/a); one scrape at a time.
    if (scraping) return;
    scraping = true;
    void shedGauges().then((g) => {
      scraping = false;
      const at = secondAt(performance.now());
      at.shedLevel = g.level;
      at.shedDepth = g.depth;
      at.shedPressure = g.pressure;
      at.shedInFlight = g.inFlight;
    });
  }, 1_000);
  return () => clearInterval(timer);
}

async function closedLoop(load: Extract<MixSpec['load'], { kind: 'closed' }>): Promise<number> {
  measureStart = performance.now() + load.warmupS * 1_000;
  const end = measureStart + load.durationS * 1_000;
  const worker = async () => {
    while (performance.now() < end) {
      const kind = pickClass();
      secondAt(performance.now()).offered++;
      await send(kind);
    }
  };
  await Promise.all(Array.from({ length: load.connections }, worker));
  return 0;
}

async function openLoop(load: Extract<MixSpec['load'], { kind: 'ramp' }>): Promise<number> {
  const start = performance.now();
  measureStart = start + load.warmupS * 1_000;
  const total = load.warmupS + load.durationS;
  const slope = (load.toRps - load.fromRps) / load.durationS;
  // Requests due by `t` seconds: the warm-up at fromRps, then the integral of the linear ramp.
  const dueBy = (t: number) => {
    const w = Math.min(t, load.warmupS);
    const r = Math.max(0, t - load.warmupS);
    return load.fromRps * w + load.fromRps * r + (slope * r * r) / 2;
  };
  const pending = new Set<Promise<void>>();
  let sent = 0;
  let maxLag = 0;
  for (;;) {
    const t = (performance.now() - start) / 1_000;
    if (t >= total) break;
    const due = Math.floor(dueBy(t));
    const rate = load.fromRps + slope * Math.max(0, t - load.warmupS);
    if (due - sent > 1) maxLag = Math.max(maxLag, ((due - sent) / rate) * 1_000);
    while (sent < due) {
      sent++;
      secondAt(performance.now()).offered++;
      const p = send(pickClass());
      pending.add(p);
      void p.then(() => pending.delete(p));
    }
    await sleep(1);
  }
  // Let what is in flight finish (bounded by the request timeout), so every answer is counted.
  await Promise.race([Promise.all(pending), sleep(35_000)]);
  return maxLag;
}

const stopSampler = startSampler();
const maxScheduleLagMs = spec.load.kind === 'closed' ? await closedLoop(spec.load) : await openLoop(spec.load);
stopSampler();
client.close();

const measured = [...seconds.values()].sort((a, b) => a.t - b.t);
// Every answer after the warm-up, including those that arrive after the schedule ended: a backlog's
// rejects are rejects of the ramp too.
const inWindow = measured.filter((s) => s.t >= 0);
const sortedOf = (pick: (s: SecondStats) => number[]) => Float64Array.from(inWindow.flatMap(pick)).sort();
const shedAll = Array.from(sortedOf((s) => s.shedMs));
const okAll = Array.from(sortedOf((s) => s.okMs));
const p99 = (values: number[]) => percentile(Array.from(Float64Array.from(values).sort()), 99);
const result: MixResult = {
  kind: spec.load.kind,
  seconds: measured.map(({ okMs, shedMs, ...rest }) => ({ ...rest, okP99Ms: p99(okMs), shedP99Ms: p99(shedMs) })),
  shedLatencyMs: {
    count: shedAll.length,
    p50: percentile(shedAll, 50),
    p99: percentile(shedAll, 99),
    max: shedAll.at(-1) ?? Number.NaN,
  },
  okLatencyMs: { count: okAll.length, p50: percentile(okAll, 50), p99: percentile(okAll, 99) },
  ordersExhausted,
  maxScheduleLagMs: Math.round(maxScheduleLagMs * 10) / 10,
  socketsOpened: client.opened(),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
