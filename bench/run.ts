// `npm run bench`: one run measures the service against its two baselines on this machine.
//   1. bare Fastify GET /            (ceiling)   vs  GET /v1/products/{id} through the full chain
//   2. raw pg order transaction loop (ceiling)   vs  POST /v1/orders through the full chain
// Servers under test are pinned to --server-core, load generators to --load-core; with
// --rounds N the four scenarios repeat N times, interleaved, and medians are reported.
// Every child process, temp file and the throwaway database are removed on exit, error or signal.
// See bench/README.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchArgs, parseBenchArgs, usage } from './args.ts';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, startService, tail } from './checkout-service.ts';
import { installSignalHandlers, onCleanup, runCleanups } from './cleanup.ts';
import { freePort } from './free-port.ts';
import type { LoadSpec } from './load-autocannon.ts';
import { describeMachine } from './machine.ts';
import type { Measurement } from './measurement.ts';
import { runPinnedForJson, spawnPinned, tasksetAvailable } from './pinned-process.ts';
import type { RawLoopSpec } from './raw-order-loop.ts';
import { failuresOf, type Report, ratio, renderText, writeReport } from './report.ts';
import { condense } from './rounds.ts';
import { waitUntilReady } from './wait-ready.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');

const scenario = {
  bare: 'bare Fastify GET /',
  get: 'service GET /v1/products/{id}',
  post: 'service POST /v1/orders',
  raw: 'raw pg order transaction',
} as const;

const targets = { get: 0.6, post: 0.5 };
const hugeStock = 1_000_000_000;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Shape check of a child's JSON line; the children are ours, so a sanity check is enough. */
function asMeasurement(value: unknown, name: string): Measurement {
  if (typeof value !== 'object' || value === null || !('rate' in value) || !('scenario' in value)) {
    throw new Error(`${name} printed an unexpected result: ${JSON.stringify(value)}`);
  }
  // Checked for the discriminating fields above; written by load-autocannon.ts / raw-order-loop.ts.
  return value as Measurement;
}

function timeoutFor(args: BenchArgs): number {
  return (args.warmupS + args.durationS) * 1_000 + 60_000;
}

async function loadHttp(args: BenchArgs, loadCore: number | undefined, spec: LoadSpec): Promise<Measurement> {
  log(`measuring ${spec.scenario}: ${spec.connections} connections, ${spec.warmupS}s warm-up + ${spec.durationS}s`);
  const result = await runPinnedForJson({
    name: `autocannon (${spec.scenario})`,
    core: loadCore,
    args: [join(benchDir, 'load-autocannon.ts'), JSON.stringify(spec)],
    cwd: repoRoot,
    timeoutMs: timeoutFor(args),
  });
  return asMeasurement(result, spec.scenario);
}

async function main(args: BenchArgs): Promise<number> {
  const pinned = tasksetAvailable();
  if (!pinned) log('WARNING: taskset is not available: NOTHING IS PINNED, numbers are less comparable');
  const serverCore = pinned ? args.serverCore : undefined;
  const loadCore = pinned ? args.loadCore : undefined;
  const startedAt = new Date();
  const http = { connections: args.connections, durationS: args.durationS, warmupS: args.warmupS };

  const db = await createBenchDatabase(args.databaseUrl);
  log(`created database ${db.name}`);
  const machine = describeMachine(db.serverVersion);
  const dataDir = mkdtempSync(join(tmpdir(), 'keelson-bench-'));
  onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));

  // Both servers under test share the server core; only one is under load at any time.
  // Baseline A: bare Fastify, same Node, same pinning.
  const barePort = await freePort();
  const bare = spawnPinned({
    name: 'bare Fastify',
    core: serverCore,
    args: [join(benchDir, 'fastify-hello.ts'), String(barePort)],
    cwd: repoRoot,
    output: 'ignore',
  });
  await waitUntilReady([`http://127.0.0.1:${barePort}/`], bare, 30_000);

  // The service, provisioned through its own CLI and API.
  const env = { repoRoot, databaseUrl: db.url, dataDir };
  const { tenantId, token } = await provisionAccess(env);
  const service = await startService(env, { core: serverCore, poolMax: args.pool, logLevel: args.logLevel });
  log(`service ready at ${service.baseUrl} (log: ${service.logFile})`);
  const productIds: string[] = [];
  for (let i = 0; i < args.products; i++) productIds.push(await createProduct(service.baseUrl, token, hugeStock, i));
  const [productId = ''] = productIds;
  const auth = { authorization: `Bearer ${token}` };
  // Baseline B: the same transaction as raw SQL, concurrency = the service's pool size.
  const rawSpec: RawLoopSpec = {
    scenario: scenario.raw,
    databaseUrl: db.url,
    tenantId,
    productIds,
    concurrency: args.pool,
    durationS: args.durationS,
    warmupS: args.warmupS,
  };

  // Each pair runs back to back, so both sides of a ratio share (nearly) the same window.
  const rounds: Measurement[][] = [];
  for (let round = 1; round <= args.rounds; round++) {
    if (args.rounds > 1) log(`round ${round} of ${args.rounds}`);
    const results: Measurement[] = [];
    results.push(
      await loadHttp(args, loadCore, {
        scenario: scenario.bare,
        url: `http://127.0.0.1:${barePort}/`,
        method: 'GET',
        headers: {},
        ...http,
      }),
    );
    results.push(
      await loadHttp(args, loadCore, {
        scenario: scenario.get,
        url: `${service.baseUrl}/v1/products/${productId}`,
        method: 'GET',
        headers: auth,
        ...http,
      }),
    );
    results.push(
      await loadHttp(args, loadCore, {
        scenario: scenario.post,
        url: `${service.baseUrl}/v1/orders`,
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        bodies: productIds.map((id) => JSON.stringify({ lines: [{ product_id: id, quantity: 1 }] })),
        ...http,
      }),
    );
    log(`measuring ${scenario.raw}: concurrency ${args.pool}, ${args.warmupS}s warm-up + ${args.durationS}s`);
    const raw = await runPinnedForJson({
      name: 'raw pg loop',
      core: loadCore,
      args: [join(benchDir, 'raw-order-loop.ts'), JSON.stringify(rawSpec)],
      cwd: repoRoot,
      timeoutMs: timeoutFor(args),
    });
    results.push(asMeasurement(raw, scenario.raw));
    if (!service.child.isRunning()) throw new Error(`the service died during the run:\n${tail(service.logFile)}`);
    if (!bare.isRunning()) throw new Error('the bare Fastify server died during the run');
    rounds.push(results);
  }
  await service.child.stop(15_000);
  await bare.stop();

  const results = condense(rounds);
  const report: Report = {
    command:
      process.env.npm_lifecycle_event === 'bench'
        ? `npm run bench -- ${args.argv.join(' ')}`.trimEnd().replace(/ --$/, '')
        : `node bench/run.ts ${args.argv.join(' ')}`.trimEnd(),
    date: startedAt.toISOString(),
    machine,
    loadAverageAtEnd: loadavg().map((n) => Math.round(n * 100) / 100),
    settings: {
      rounds: args.rounds,
      connections: args.connections,
      durationS: args.durationS,
      warmupS: args.warmupS,
      'service pool max (KEELSON_DATABASE_POOL_MAX)': args.pool,
      'raw SQL loop concurrency (pg pool max)': args.pool,
      'service log level (KEELSON_LOG_LEVEL)': args.logLevel,
      'service log destination': 'file in a temp dir (JSON lines)',
      pinning: pinned
        ? `servers (bare Fastify, checkout service) on core ${args.serverCore}; load generators (autocannon, raw pg loop) on core ${args.loadCore}; PostgreSQL unpinned`
        : 'NONE (taskset unavailable)',
      'load generator':
        'autocannon 9 (programmatic, child process); latency percentiles over exact per-response times of 2xx',
      'product stock': hugeStock,
      'order shape':
        args.products === 1
          ? '1 line, quantity 1, always the same product (one hot row, in both the service and raw runs)'
          : `1 line, quantity 1, rotating over ${args.products} products (in both the service and raw runs)`,
    },
    results,
    rounds,
    ratios: [
      ratio('GET full chain / bare Fastify', rounds, scenario.get, scenario.bare, targets.get),
      ratio('POST orders / raw SQL', rounds, scenario.post, scenario.raw, targets.post),
    ],
    failures: failuresOf(results),
  };
  process.stdout.write(`\n${renderText(report)}`);
  log(
    `load average (1/5/15 min) at start ${machine.loadAverageAtStart.join(' / ')}, at end ${report.loadAverageAtEnd.join(' / ')} on ${machine.nproc} cores`,
  );
  const written = writeReport(args.outDir ?? join(benchDir, 'results'), report, startedAt);
  log(`wrote ${written} (+ .json)`);
  await db.drop();
  return report.failures.length > 0 ? 1 : 0;
}

installSignalHandlers();
try {
  const args = parseBenchArgs(process.argv.slice(2), process.env);
  process.exitCode = args === undefined ? 0 : await main(args);
} catch (error) {
  process.stderr.write(`bench: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof TypeError && /parseArgs|option/i.test(error.message)) process.stderr.write(`${usage}\n`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
