// Load-shedding ramp (issue 9 §3): the real service, pinned to one core, first at saturation to
// measure its capacity for a realistic mix (closed loop), then restarted with the shedding
// thresholds it ships with and driven open-loop from 0.5× to 3× that capacity over 60 s.
// Per second: offered, goodput (2xx), 503 `overloaded` by class, reject p99, payment success,
// server RSS, the shedder's level. Verdicts: goodput ≥ 90% of peak, reject p99 ≤ 10 ms, payments
// ≥ 99.9% successful, RSS bounded, no crash. See bench/README.md ("Load-shedding ramp").
//
//   node bench/shedding-ramp.ts [--seconds 60] [--from 0.5] [--to 3] [--mix read=60,…] [--json] [--help]
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, type ServiceEnv, startService, tail } from './checkout-service.ts';
import { onCleanup, runBench } from './cleanup.ts';
import { summarise } from './cpu-profile-summary.ts';
import { summariseGcTrace } from './gc-trace-summary.ts';
import { describeMachine } from './machine.ts';
import { type MixClass, type MixResult, type MixSpec, mixClasses } from './mix-spec.ts';
import { runPinnedForJson, tasksetAvailable } from './pinned-process.ts';
import { startPspSimChild } from './psp-sim-child.ts';
import { judgeRamp, type RampReport, renderRampMarkdown, renderRampText } from './ramp-report.ts';
import { seedOrders } from './seed-orders.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');

export const rampUsage = `Usage: node bench/shedding-ramp.ts [options]

  --seconds S          length of the ramp (default 60)
  --from X / --to X    offered load at the start / end, × measured capacity (default 0.5 / 3)
  --warmup S           seconds at the starting rate before the ramp, not judged (default 5)
  --capacity-seconds S measured seconds of the closed-loop capacity run (default 10, after 3 s warm-up)
  --connections N      closed-loop connections for the capacity run (default 32)
  --capacity RPS       skip the capacity run and use this goodput
  --mix LIST           class weights (default read=70,bulk=10,write=15,critical=5)
  --max-in-flight X    the service's KEELSON_SHED_MAX_IN_FLIGHT: 'default' (default) = the service's
                       own (8 × the pool), 'auto' = capacity × 0.25 s (Little's law: the work in
                       flight when admitted requests queue 250 ms at capacity), or a number
  --target-utilization U the service's KEELSON_SHED_TARGET_UTILIZATION (default: the service's own, 0.8)
  --products N         products the reads and orders spread over (default 16)
  --pool N             the service's KEELSON_DATABASE_POOL_MAX (default 10)
  --database-url U     server for the throwaway database
                       (default $KEELSON_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
  --server-core N      core of the service (default 0); --load-core N: generator (default 1)
  --psp-core N         core of psp-sim, the payment provider (default: the load core; it stands for
                       a provider on another machine, so the service's core is the service's alone)
  --node-option FLAG   a Node flag for the ramp's service (repeatable), e.g. --node-option=--max-semi-space-size=16;
                       with --node-option=--trace-gc the collector's pauses during the ramp are printed
  --cpu-prof           profile the service during the ramp (node --cpu-prof) and print where its
                       last 20 s went (the heaviest overload)
  --json               print the report as one JSON line (for bench/run.ts)
  --out DIR            where <date>-shedding-ramp.md/.json go (default bench/results; "-" = none)`;

function log(message: string): void {
  process.stderr.write(`shedding-ramp: ${message}\n`);
}

function parseMix(text: string): Record<MixClass, number> {
  const weights: Record<MixClass, number> = { critical: 0, write: 0, read: 0, bulk: 0 };
  for (const part of text.split(',')) {
    const [name = '', value = ''] = part.split('=');
    const n = Number(value);
    if (!(mixClasses as readonly string[]).includes(name) || !Number.isFinite(n) || n < 0) {
      throw new Error(`--mix: '${part}' is not <${mixClasses.join('|')}>=<weight>`);
    }
    weights[name as MixClass] = n; // checked against mixClasses just above
  }
  return weights;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    from: { type: 'string', default: '0.5' },
    to: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5' },
    'capacity-seconds': { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    capacity: { type: 'string' },
    mix: { type: 'string', default: 'read=70,bulk=10,write=15,critical=5' },
    'max-in-flight': { type: 'string', default: 'default' },
    'target-utilization': { type: 'string' },
    products: { type: 'string', default: '16' },
    pool: { type: 'string', default: '10' },
    'database-url': {
      type: 'string',
      default: process.env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'server-core': { type: 'string', default: '0' },
    'load-core': { type: 'string', default: '1' },
    'psp-core': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'node-option': { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    out: { type: 'string', default: join(benchDir, 'results') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function num(flag: string, min: number): number {
  const n = Number(values[flag as keyof typeof values]);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${flag} must be a number ≥ ${min}`);
  return n;
}

/** Seconds of queueing at capacity that the in-flight bound allows (Little's law: L = λ × W). */
const inFlightQueueS = 0.25;

/** Measured seconds of each class's closed loop alone (its cost per answer). */
const costSeconds = 4;

function inFlightBound(flag: string, capacity: number): number | undefined {
  if (flag === 'default') return undefined;
  if (flag === 'auto') return Math.max(8, Math.round(capacity * inFlightQueueS));
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 1) throw new Error("--max-in-flight must be 'auto', 'default' or a positive integer");
  return n;
}

async function main(): Promise<void> {
  const settings = {
    seconds: num('seconds', 5),
    from: num('from', 0.01),
    to: num('to', 0.01),
    warmupS: num('warmup', 0),
    capacitySeconds: num('capacity-seconds', 2),
    connections: num('connections', 1),
    products: num('products', 1),
    pool: num('pool', 1),
    weights: parseMix(values.mix),
  };
  const pinned = tasksetAvailable();
  const serverCore = pinned ? num('server-core', 0) : undefined;
  const loadCore = pinned ? num('load-core', 0) : undefined;
  const pspCore = pinned ? (values['psp-core'] === undefined ? loadCore : num('psp-core', 0)) : undefined;
  const startedAt = new Date();
  const db = await createBenchDatabase(values['database-url']);
  const machine = describeMachine(db.serverVersion);
  log(`database ${db.name}; load average ${machine.loadAverageAtStart.join(' / ')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'keelson-ramp-'));
  onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));

  const { child: psp, url: pspUrl } = await startPspSimChild({ dataDir, core: pspCore, cwd: repoRoot });

  const env: ServiceEnv = { repoRoot, databaseUrl: db.url, dataDir };
  const { tenantId, token } = await provisionAccess(env);
  const serviceOptions = {
    core: serverCore,
    poolMax: settings.pool,
    logLevel: 'warn',
    env: { KEELSON_PSP_URL: pspUrl, KEELSON_PSP_API_KEY: 'sk_test_bench' },
  };
  let service = await startService(env, serviceOptions);
  const productIds: string[] = [];
  for (let i = 0; i < settings.products; i++) productIds.push(await createProduct(service.baseUrl, token, 1e9, i));
  const share = settings.weights.critical / Object.values(settings.weights).reduce((a, b) => a + b, 0);
  const seed = async (count: number, file: string) => {
    log(`pre-creating ${count} orders to pay`);
    const pathsFile = `${file}.paths`;
    const ids = await seedOrders({
      databaseUrl: db.url,
      tenantId,
      productIds,
      count,
      concurrency: settings.pool,
      pathsFile,
    });
    writeFileSync(file, `${ids.join('\n')}\n`);
    return file;
  };
  const mix = (ordersFile: string, load: MixSpec['load'], weights = settings.weights): Promise<MixResult> => {
    const serverPid = service.child.process.pid ?? 0;
    const spec: MixSpec = {
      baseUrl: service.baseUrl,
      adminUrl: service.adminUrl,
      token,
      productIds,
      ordersFile,
      weights,
      serverPid,
      // The server core's CPU: the service's, and psp-sim's when it shares the core.
      corePids: pspCore === serverCore ? [serverPid, psp.process.pid ?? 0] : [serverPid],
      load,
    };
    return runPinnedForJson({
      name: `open-loop-mix (${load.kind})`,
      core: loadCore,
      args: [join(benchDir, 'open-loop-mix.ts'), JSON.stringify(spec)],
      cwd: repoRoot,
      timeoutMs: (load.warmupS + load.durationS) * 1_000 + 90_000,
    }) as Promise<MixResult>; // our own child's --json line (open-loop-mix.ts)
  };

  // 1. Capacity: closed loop, shedder unable to refuse (a closed loop saturates the core by design:
  // the real shedder would refuse lists there and distort the mix).
  let capacity = values.capacity === undefined ? undefined : num('capacity', 1);
  let capacityRun: MixResult | undefined;
  if (capacity === undefined) {
    const ordersFile = await seed(Math.ceil(2_000 * share) + 2_000, join(dataDir, 'orders-capacity.txt'));
    log(`capacity: closed loop, ${settings.connections} connections, 3 s warm-up + ${settings.capacitySeconds} s`);
    capacityRun = await mix(ordersFile, {
      kind: 'closed',
      connections: settings.connections,
      warmupS: 3,
      durationS: settings.capacitySeconds,
    });
    const window = capacityRun.seconds.filter((s) => s.t >= 0 && s.t < settings.capacitySeconds);
    const ok = window.reduce((n, s) => n + mixClasses.reduce((m, c) => m + s.byClass[c].ok, 0), 0);
    capacity = ok / settings.capacitySeconds;
    log(`capacity ≈ ${capacity.toFixed(0)} 2xx/s`);
  }
  // What one answer of each class costs the server core (the service, + psp-sim if it is there), each class alone
  // at saturation: the weights of the work goodput (ramp-report.ts).
  const classCostMs = {} as Record<MixClass, number>;
  const costOrders = await seed(costSeconds * 600, join(dataDir, 'orders-cost.txt'));
  for (const c of mixClasses) {
    const alone = Object.fromEntries(mixClasses.map((k) => [k, k === c ? 1 : 0])) as Record<MixClass, number>;
    const run = await mix(costOrders, { kind: 'closed', connections: 16, warmupS: 1, durationS: costSeconds }, alone);
    const window = run.seconds.filter((s) => s.t >= 0 && s.t < costSeconds);
    const cpu = window.reduce((n, s) => n + s.coreCpuMs, 0);
    const ok = window.reduce((n, s) => n + s.byClass[c].ok, 0);
    classCostMs[c] = ok === 0 ? Number.NaN : cpu / ok;
    log(
      `${c} alone: ${(ok / costSeconds).toFixed(0)} 2xx/s, ${(classCostMs[c] * 1_000).toFixed(0)} µs of server-core CPU each`,
    );
  }
  await service.child.stop(15_000);

  // 2. The ramp, against a fresh service with the thresholds it ships with (but the in-flight bound).
  const maxInFlight = inFlightBound(values['max-in-flight'], capacity);
  const profileDir = join(dataDir, 'cpu-prof');
  const serviceStartedAt = Date.now();
  service = await startService(env, {
    ...serviceOptions,
    nodeArgs: [...values['node-option'], ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    shedding: 'service defaults',
    env: {
      ...serviceOptions.env,
      ...(maxInFlight === undefined ? {} : { KEELSON_SHED_MAX_IN_FLIGHT: String(maxInFlight) }),
      ...(values['target-utilization'] === undefined
        ? {}
        : { KEELSON_SHED_TARGET_UTILIZATION: values['target-utilization'] }),
    },
  });
  const fromRps = capacity * settings.from;
  const toRps = capacity * settings.to;
  const offered = fromRps * settings.warmupS + ((fromRps + toRps) / 2) * settings.seconds;
  const ordersFile = await seed(Math.ceil(offered * share * 1.15) + 100, join(dataDir, 'orders-ramp.txt'));
  log(
    `ramp: ${fromRps.toFixed(0)} → ${toRps.toFixed(0)} req/s over ${settings.seconds} s (+${settings.warmupS} s warm-up)`,
  );
  // The schedule's end, in wall time (about: the generator's own start-up comes on top), so the
  // profile is summarised over the ramp's last 20 s, not over the drain and the stop after it.
  const scheduleEndsAt = Date.now() + (settings.warmupS + settings.seconds) * 1_000;
  const serviceUpMsAtRamp = Date.now() - serviceStartedAt;
  const ramp = await mix(ordersFile, {
    kind: 'ramp',
    fromRps,
    toRps,
    warmupS: settings.warmupS,
    durationS: settings.seconds,
  });
  const crashed = !service.child.isRunning();
  if (values['node-option'].includes('--trace-gc')) {
    // The service's clock starts with its process: the ramp's schedule began this long after it.
    log(
      `the collector's pauses during the ramp (--trace-gc):\n${summariseGcTrace(service.logFile, serviceUpMsAtRamp)}`,
    );
  }
  const serviceLogTail = crashed ? tail(service.logFile) : undefined;
  await service.child.stop(15_000);
  const profileEndedAfterScheduleMs = Math.max(0, Date.now() - scheduleEndsAt);
  await psp.stop();
  if (values['cpu-prof']) {
    const [file] = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('the service wrote no .cpuprofile');
    log(`the service's profile, last 20 s of the ramp (${join(profileDir, file)}):`);
    const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
    process.stderr.write(`${summarise(profile, 30, 20_000, profileEndedAfterScheduleMs)}\n`);
  }

  const report: RampReport = {
    command: `node bench/shedding-ramp.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
    date: startedAt.toISOString(),
    machine,
    loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
    settings: {
      ...settings,
      pinning: pinned
        ? `service on core ${serverCore}, psp-sim on core ${pspCore}, generator on core ${loadCore}`
        : 'NONE',
      shedding: `the service's defaults (KEELSON_SHED_MAX_EVENT_LOOP_DELAY_MS 50 …), KEELSON_SHED_TARGET_UTILIZATION ${values['target-utilization'] ?? 'default (0.8)'}, KEELSON_SHED_MAX_IN_FLIGHT ${maxInFlight ?? 'default (8 × pool)'}`,
    },
    capacity,
    classCostMs,
    ...(capacityRun === undefined ? {} : { capacityRun }),
    ramp,
    crashed,
    ...(serviceLogTail === undefined ? {} : { serviceLogTail }),
    verdict: judgeRamp(ramp, capacity, crashed, classCostMs, capacityRun),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(renderRampText(report));
  if (values.out !== '-') {
    const two = (n: number) => String(n).padStart(2, '0');
    const d = startedAt;
    const stem = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}-shedding-ramp`;
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `${stem}.md`), renderRampMarkdown(report));
    writeFileSync(join(values.out, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${join(values.out, stem)}.md (+ .json)`);
  }
  await db.drop();
}

if (values.help) process.stdout.write(`${rampUsage}\n`);
else await runBench(main, (error) => log(`FAILED: ${error instanceof Error ? error.message : String(error)}`));
