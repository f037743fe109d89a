// Tracing overhead (issue 10 §1, "off costs nothing measurable"): the real service with tracing off
// and on, same run, same machine. Each mode is its own service process (pinned to the server core,
// its own throwaway database, so one's outbox relay never works for another's load); "on" exports
// over OTLP/HTTP to a sink in this process that accepts and discards (KEELSON_OTLP_ENDPOINT), at
// sampling ratio 1.0 and 0.1. Scenarios: GET /v1/products/{id} and POST /v1/orders (autocannon
// pinned to the load core), in interleaved rounds; ratios on/off per round, then their median.
// "Off vs the code before tracing existed" cannot be run (that code is gone); off is the no-op
// tracer, and ADR 0016 says what it installs (nothing on the request path).
//
//   node bench/tracing-overhead.ts [--rounds 2] [--duration 5] [--warmup 2] [--connections 32]
//                                  [--sample-ratios 1,0.1] [--json] [--out DIR] [--help]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, type RunningService, startService } from './checkout-service.ts';
import { onCleanup, runBench } from './cleanup.ts';
import type { LoadSpec } from './load-autocannon.ts';
import { describeMachine, type MachineInfo } from './machine.ts';
import type { Measurement } from './measurement.ts';
import { runPinnedForJson, tasksetAvailable } from './pinned-process.ts';
import { condense, ratioPerRound } from './rounds.ts';
import { type TracingOverhead, tracingLines } from './tracing-report.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');

const usage = `Usage: node bench/tracing-overhead.ts [options]

  --rounds N           interleaved rounds of every mode and scenario; medians (default 2)
  --duration S         measured seconds per scenario (default 5), after --warmup S (default 2)
  --connections N      autocannon connections (default 32)
  --products N         products the orders spread over (default 16: no hot row, tracing's cost shows)
  --sample-ratios LIST KEELSON_TRACE_SAMPLE_RATIO of each "on" mode (default 1,0.1)
  --database-url U     server for the throwaway databases
  --server-core N / --load-core N   (default 0 / 1)
  --json               print the result as one JSON line (for bench/run.ts)
  --out DIR            where <date>-tracing-overhead.md/.json go (default bench/results; "-" = none)`;

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '32' },
    products: { type: 'string', default: '16' },
    'sample-ratios': { type: 'string', default: '1,0.1' },
    'database-url': {
      type: 'string',
      default: process.env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'server-core': { type: 'string', default: '0' },
    'load-core': { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    out: { type: 'string', default: join(benchDir, 'results') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function log(message: string): void {
  process.stderr.write(`tracing-overhead: ${message}\n`);
}

function int(flag: keyof typeof values, min: number): number {
  const n = Number(values[flag]);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer ≥ ${min}`);
  return n;
}

/** The OTLP/HTTP sink: reads every export request to the end, answers 200 `{}`, keeps only counts. */
async function startSink(): Promise<{ url: string; stats: TracingOverhead['sink'] }> {
  const stats = { requests: 0, bytes: 0, approxSpans: 0 };
  const server = createServer((request, response) => {
    stats.requests++;
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      stats.bytes += chunk.length;
      stats.approxSpans += chunk.split('"traceId"').length - 1;
    });
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  onCleanup('close the OTLP sink', () => new Promise<void>((done) => server.close(() => done())));
  // listen(0, host) on TCP: address() is an AddressInfo.
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stats };
}

async function main(): Promise<void> {
  const settings = {
    rounds: int('rounds', 1),
    durationS: int('duration', 1),
    warmupS: int('warmup', 0),
    connections: int('connections', 1),
    products: int('products', 1),
    sampleRatios: values['sample-ratios'].split(',').map(Number),
  };
  if (settings.sampleRatios.some((r) => !(r > 0 && r <= 1))) throw new Error('--sample-ratios: each in (0, 1]');
  const pinned = tasksetAvailable();
  const serverCore = pinned ? int('server-core', 0) : undefined;
  const loadCore = pinned ? int('load-core', 0) : undefined;
  const startedAt = new Date();
  const sink = await startSink();
  const modes = [
    { name: 'off', env: {} },
    ...settings.sampleRatios.map((ratio) => ({
      name: `on@${ratio}`,
      env: { KEELSON_OTLP_ENDPOINT: sink.url, KEELSON_TRACE_SAMPLE_RATIO: String(ratio) },
    })),
  ];
  let machine: MachineInfo | undefined;
  const services: { mode: string; service: RunningService; token: string; productIds: string[] }[] = [];
  for (const mode of modes) {
    const db = await createBenchDatabase(values['database-url']);
    machine ??= describeMachine(db.serverVersion);
    const dataDir = mkdtempSync(join(tmpdir(), 'keelson-tracing-'));
    onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    const env = { repoRoot, databaseUrl: db.url, dataDir };
    const { token } = await provisionAccess(env);
    const service = await startService(env, { core: serverCore, poolMax: 10, logLevel: 'info', env: mode.env });
    const productIds: string[] = [];
    for (let i = 0; i < settings.products; i++) productIds.push(await createProduct(service.baseUrl, token, 1e9, i));
    services.push({ mode: mode.name, service, token, productIds });
    log(`${mode.name}: service ready at ${service.baseUrl}`);
  }
  if (machine === undefined) throw new Error('no mode ran');
  log(`load average ${machine.loadAverageAtStart.join(' / ')}`);

  const load = async (spec: LoadSpec): Promise<Measurement> => {
    log(`measuring ${spec.scenario}`);
    // Our own child's --json line (bench/load-autocannon.ts prints a Measurement).
    return (await runPinnedForJson({
      name: `autocannon (${spec.scenario})`,
      core: loadCore,
      args: [join(benchDir, 'load-autocannon.ts'), JSON.stringify(spec)],
      cwd: repoRoot,
      timeoutMs: (settings.warmupS + settings.durationS) * 1_000 + 60_000,
    })) as Measurement;
  };
  const http = { connections: settings.connections, durationS: settings.durationS, warmupS: settings.warmupS };
  const rounds: Measurement[][] = [];
  for (let round = 0; round < settings.rounds; round++) {
    const results: Measurement[] = [];
    // Alternate the order of the modes per round, so no mode always runs first (or last).
    const order = round % 2 === 0 ? services : [...services].reverse();
    for (const { mode, service, token, productIds } of order) {
      const auth = { authorization: `Bearer ${token}` };
      results.push(
        await load({
          scenario: `GET /v1/products/{id} ${mode}`,
          url: `${service.baseUrl}/v1/products/${productIds[0]}`,
          method: 'GET',
          headers: auth,
          ...http,
        }),
        await load({
          scenario: `POST /v1/orders ${mode}`,
          url: `${service.baseUrl}/v1/orders`,
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          bodies: productIds.map((id) => JSON.stringify({ lines: [{ product_id: id, quantity: 1 }] })),
          ...http,
        }),
      );
      if (!service.child.isRunning()) throw new Error(`the ${mode} service died`);
    }
    rounds.push(results);
  }
  for (const { service } of services) await service.child.stop(15_000);

  const ratios = ['GET /v1/products/{id}', 'POST /v1/orders'].flatMap((scenario) =>
    modes.slice(1).flatMap(({ name }) =>
      (['rate', 'p50Ms', 'p99Ms'] as const).map((metric) => ({
        name: `${scenario} ${metric === 'rate' ? 'rps' : metric.replace('Ms', '')} ${name} / off`,
        ...ratioPerRound(rounds, `${scenario} ${name}`, `${scenario} off`, metric),
      })),
    ),
  );
  const report: TracingOverhead = {
    command: `node bench/tracing-overhead.ts ${process.argv.slice(2).join(' ')}`.trimEnd(),
    date: startedAt.toISOString(),
    machine,
    loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
    settings: {
      ...settings,
      pinning: pinned ? `services on core ${serverCore}, autocannon on core ${loadCore}` : 'NONE',
      service: 'access log at info into a file, pool 10, limiter and shedder never refusing (checkout-service.ts)',
      exporter: 'BatchSpanProcessor (1 s delay, queue 2048: spans beyond it are dropped) → OTLP/HTTP JSON → the sink',
    },
    results: condense(rounds),
    rounds,
    ratios,
    sink: sink.stats,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${tracingLines(report).join('\n')}\n`);
  if (values.out !== '-') {
    const two = (n: number) => String(n).padStart(2, '0');
    const d = startedAt;
    const stem = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}-tracing-overhead`;
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, `${stem}.md`), renderMarkdown(report));
    writeFileSync(join(values.out, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${join(values.out, stem)}.md (+ .json)`);
  }
}

function renderMarkdown(report: TracingOverhead): string {
  const m = report.machine;
  return [
    `# Tracing overhead ${report.date}`,
    '',
    `Command: \`${report.command}\``,
    '',
    `- machine: nproc ${m.nproc}, ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.postgres}`,
    `- load average at start / end (1/5/15 min): ${m.loadAverageAtStart.join(' / ')} — ${report.loadAverageAtEnd.join(' / ')}`,
    ...Object.entries(report.settings).map(([k, v]) => `- ${k}: ${JSON.stringify(v)}`),
    '',
    `Medians of ${report.rounds.length} interleaved rounds; ratios are medians of per-round ratios (rps: < 1 = slower with tracing; p50/p99: > 1 = slower).`,
    '',
    '```',
    ...tracingLines(report),
    '```',
    '',
  ].join('\n');
}

if (values.help) process.stdout.write(`${usage}\n`);
else await runBench(main, (error) => log(`FAILED: ${error instanceof Error ? error.message : String(error)}`));
