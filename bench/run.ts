// `npm run bench`: one run measures the service against its baselines on this machine.
//   1. bare Fastify GET /            (ceiling)   vs  warm GET /v1/products/{id} through the full chain,
//                                                     and its 304 revalidation (If-None-Match)
//   2. bare Fastify + the same SQL   (ceiling)   vs  cold GET /v1/products/{id} (product cache off)
//   3. raw pg order transaction loop (ceiling)   vs  POST /v1/orders through the full chain
//   4. psp-sim POST /v1/payment_intents, direct  vs  POST /v1/orders/{id}/payments through the service
//   5. plain authenticated cold GET              vs  a payment replayed with one Idempotency-Key (p50/p99)
//   6. the NestJS peer's GET and POST at equal connections (bench/nest-peer.ts; skipped with a reason)
//   7. optional RSS soak (--rss-requests), rate-limit decision and resilience policy overhead
//   8. outbox relay vs raw JetStream, commit → consumer latency, webhook worker vs direct POSTs
//      (bench/event-benches.ts: event-flow.ts and webhook-dispatch.ts --json, when reachable)
//   9. the load-shedding ramp and tracing off vs on (bench/optional-benches.ts; --skip-ramp, --skip-tracing)
// The scenario table and the ratios live in bench/scenarios.ts. Servers under test are pinned to
// --server-core, load generators to --load-core; with --rounds N the scenarios repeat N times,
// interleaved, and medians are reported.
// Every child process, temp file and the throwaway database are removed on exit, error or signal.
// See bench/README.md.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchArgs, parseBenchArgs, usage } from './args.ts';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, startService, tail } from './checkout-service.ts';
import { installSignalHandlers, onCleanup, runCleanups } from './cleanup.ts';
import { runEventBenches } from './event-benches.ts';
import { freePort } from './free-port.ts';
import type { HotPathResults } from './hot-path-report.ts';
import { hotPathSettings, measureRateLimit, startHotPathServers } from './hot-path-servers.ts';
import type { LoadSpec } from './load-autocannon.ts';
import { describeMachine } from './machine.ts';
import type { Measurement } from './measurement.ts';
import { runOptionalBenches } from './optional-benches.ts';
import { runPinnedForJson, spawnPinned, tasksetAvailable } from './pinned-process.ts';
import { startPspSimChild } from './psp-sim-child.ts';
import type { RawLoopSpec } from './raw-order-loop.ts';
import { failuresOf, type Report, type ResilienceOverhead, renderText, writeReport } from './report.ts';
import { condense } from './rounds.ts';
import { type RssSoak, runRssSoak } from './rss-soak.ts';
import { roundSteps, runRatios, scenario } from './scenarios.ts';
import { seedOrders } from './seed-orders.ts';
import { addCounters, type Counters, counterDelta, readCounters } from './service-metrics.ts';
import { waitUntilReady } from './wait-ready.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');

const hugeStock = 1_000_000_000;
/** The secret key the service and the direct baseline present to the simulator (any sk_test_… works). */
const pspApiKey = 'sk_test_bench';
/** Orders pre-created per second of warm-up + measurement when --payment-orders is 0 (automatic). */
const paymentOrdersPerSecond = 600;

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

function asResilience(value: unknown): ResilienceOverhead {
  if (typeof value !== 'object' || value === null || !('rows' in value) || !Array.isArray(value.rows)) {
    throw new Error(`resilience-overhead.ts printed an unexpected result: ${JSON.stringify(value)}`);
  }
  // Checked for the rows above; written by bench/resilience-overhead.ts --json.
  return value as ResilienceOverhead;
}

/** One payment with `key`, outside any measurement; the replay scenario then repeats it. */
async function payOnce(baseUrl: string, path: string, headers: Record<string, string>, body: string): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
}

function timeoutFor(args: BenchArgs): number {
  return (args.warmupS + args.durationS) * 1_000 + 60_000;
}

async function loadHttp(args: BenchArgs, loadCore: number | undefined, spec: LoadSpec): Promise<Measurement> {
  const span = spec.amount === undefined ? `${spec.warmupS}s warm-up + ${spec.durationS}s` : `${spec.amount} requests`;
  log(`measuring ${spec.scenario}: ${spec.connections} connections, ${span}`);
  const result = await runPinnedForJson({
    name: `autocannon (${spec.scenario})`,
    core: loadCore,
    args: [join(benchDir, 'load-autocannon.ts'), JSON.stringify(spec)],
    cwd: repoRoot,
    // A fixed number of requests (the RSS soak) may take long on a busy host: allow 5 ms each.
    timeoutMs: spec.amount === undefined ? timeoutFor(args) : 60_000 + spec.amount * 5,
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

  // The payment provider: psp-sim, no faults (0 ms latency), its durable ledger in the temp dir,
  // on the server core too: the service and the simulator share it in the payment scenario.
  const { child: psp, url: pspUrl } = await startPspSimChild({ dataDir, core: serverCore, cwd: repoRoot });
  const noFaults = await fetch(`${pspUrl}/sim/faults`, { method: 'DELETE', signal: AbortSignal.timeout(5_000) });
  await noFaults.arrayBuffer();
  if (!noFaults.ok) throw new Error(`DELETE /sim/faults answered ${noFaults.status}`);

  // The service, provisioned through its own CLI and API.
  const env = { repoRoot, databaseUrl: db.url, dataDir };
  const { tenantId, token } = await provisionAccess(env);
  const serviceEnv = { KEELSON_PSP_URL: pspUrl, KEELSON_PSP_API_KEY: pspApiKey };
  // Takes the orders, payments and the cold reads: no product cache (without Redis on PostgreSQL
  // there is none anyway; the switch says it outright), in-memory rate limits.
  const service = await startService(env, {
    core: serverCore,
    poolMax: args.pool,
    logLevel: args.logLevel,
    env: { ...serviceEnv, KEELSON_CACHE_ENABLED: 'false' },
  });
  log(`service ready at ${service.baseUrl} (log: ${service.logFile})`);
  const productIds: string[] = [];
  for (let i = 0; i < args.products; i++) productIds.push(await createProduct(service.baseUrl, token, hugeStock, i));
  // The GET scenarios read a product no order touches: its version, so its ETag, never moves.
  const readProductId = await createProduct(service.baseUrl, token, hugeStock, args.products);
  const auth = { authorization: `Bearer ${token}` };
  const hot = await startHotPathServers({
    args,
    benchDir,
    repoRoot,
    env,
    core: serverCore,
    serviceEnv,
    tenantId,
    token,
    readProductId,
    productStock: hugeStock,
    log,
  });
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

  // Payments: every order is paid once, so each round gets its own pre-created orders (setup, not
  // measured), plus one order whose payment the replay scenario repeats with one key.
  const ordersPerRound =
    args.paymentOrders > 0 ? args.paymentOrders : paymentOrdersPerSecond * (args.warmupS + args.durationS);
  log(`pre-creating ${args.rounds} × ${ordersPerRound} + 1 orders for the payment scenarios (raw SQL)`);
  const seeded = await seedOrders({
    databaseUrl: db.url,
    tenantId,
    productIds,
    count: args.rounds * ordersPerRound + 1,
    concurrency: args.pool,
    pathsFile: join(dataDir, 'all-payment-paths.txt'),
  });
  const [replayOrderId = ''] = seeded.splice(0, 1);
  const pathsFiles = Array.from({ length: args.rounds }, (_, i) => {
    const file = join(dataDir, `payment-paths-${i + 1}.txt`);
    const ids = seeded.slice(i * ordersPerRound, (i + 1) * ordersPerRound);
    writeFileSync(file, ids.map((id) => `/v1/orders/${id}/payments\n`).join(''));
    return file;
  });
  const payBody = JSON.stringify({ payment_method: 'pm_card_visa' });
  const payHeaders = { ...auth, 'content-type': 'application/json' };
  const replayHeaders = { ...payHeaders, 'idempotency-key': `bench-replay-${randomUUID()}` };
  const replayPath = `/v1/orders/${replayOrderId}/payments`;
  await payOnce(service.baseUrl, replayPath, replayHeaders, payBody);
  // What the service sends the provider for such a payment (psp.http-client.ts charge()).
  const pspBody = new URLSearchParams({
    amount: '1000',
    currency: 'usd',
    payment_method: 'pm_card_visa',
    'payment_method_types[]': 'card',
    confirm: 'true',
    'metadata[keelson_payment_id]': 'pay_bench',
  }).toString();

  // Each pair runs back to back, so both sides of a ratio share (nearly) the same window.
  const roundTargets = {
    bareUrl: `http://127.0.0.1:${barePort}`,
    sqlUrl: hot.sqlUrl,
    warmUrl: hot.warm.baseUrl,
    etag: hot.etag,
    serviceUrl: service.baseUrl,
    pspUrl,
    token,
    pspApiKey,
    readProductId,
    orderProductIds: productIds,
    replayPath,
    replayHeaders,
    payBody,
    pspBody,
    ...(hot.nest === undefined ? {} : { nest: hot.nest }),
  };
  const stepsOf = (round: number) =>
    roundSteps({ ...roundTargets, paymentPathsFile: pathsFiles[round - 1] ?? '' }, http);
  // The service's own counters around each GET scenario: was the warm read served from the cache?
  const adminOf: Record<string, string> = {
    [scenario.get]: hot.warm.adminUrl,
    [scenario.revalidate]: hot.warm.adminUrl,
    [scenario.cold]: service.adminUrl,
  };
  let serviceCounters: Record<string, Counters> = {};
  const rounds: Measurement[][] = [];
  for (let round = 1; round <= args.rounds; round++) {
    if (args.rounds > 1) log(`round ${round} of ${args.rounds}`);
    const results: Measurement[] = [];
    for (const step of stepsOf(round)) {
      if (step.kind === 'raw-sql-loop') {
        log(`measuring ${scenario.raw}: concurrency ${args.pool}, ${args.warmupS}s warm-up + ${args.durationS}s`);
        const raw = await runPinnedForJson({
          name: 'raw pg loop',
          core: loadCore,
          args: [join(benchDir, 'raw-order-loop.ts'), JSON.stringify(rawSpec)],
          cwd: repoRoot,
          timeoutMs: timeoutFor(args),
        });
        results.push(asMeasurement(raw, scenario.raw));
        continue;
      }
      const spec = step.spec;
      const admin = adminOf[spec.scenario];
      const before = admin === undefined ? undefined : await readCounters(admin);
      results.push(await loadHttp(args, loadCore, spec));
      if (admin !== undefined && before !== undefined) {
        const moved = counterDelta(before, await readCounters(admin));
        serviceCounters = {
          ...serviceCounters,
          [spec.scenario]: addCounters(serviceCounters[spec.scenario] ?? {}, moved),
        };
      }
    }
    if (!service.child.isRunning()) throw new Error(`the service died during the run:\n${tail(service.logFile)}`);
    const dead = hot.running();
    if (dead !== undefined) throw new Error(`${dead} died during the run`);
    if (!bare.isRunning()) throw new Error('the bare Fastify server died during the run');
    if (!psp.isRunning()) throw new Error('psp-sim died during the run');
    rounds.push(results);
  }

  // Issue 9 §6: RSS after N warm GETs (opt-in: 1M requests take minutes).
  let rss: RssSoak | undefined;
  const warmGet = stepsOf(1).find((s) => s.kind === 'http' && s.spec.scenario === scenario.get);
  const warmPid = hot.warm.child.process.pid;
  if (args.rssRequests > 0 && warmGet?.kind === 'http' && warmPid !== undefined) {
    log(`RSS soak: ${args.rssRequests} warm GETs, VmRSS every 100 000`);
    rss = await runRssSoak({
      pid: warmPid,
      requests: args.rssRequests,
      every: 100_000,
      spec: warmGet.spec,
      load: (spec) => loadHttp(args, loadCore, spec),
      log,
    });
  }
  await hot.stop();
  await service.child.stop(15_000);
  await psp.stop();
  await bare.stop();

  // Per-call CPU cost of the resilience policy, in its own process on the (now idle) server core.
  log('measuring resilience policy overhead (bench/resilience-overhead.ts --json)');
  const resilience = asResilience(
    await runPinnedForJson({
      name: 'resilience overhead',
      core: serverCore,
      args: [join(benchDir, 'resilience-overhead.ts'), '--json'],
      cwd: repoRoot,
      timeoutMs: 180_000,
    }),
  );

  log('measuring rate-limit decision overhead (bench/ratelimit-overhead.ts --json)');
  const rateLimit = await measureRateLimit({
    benchDir,
    repoRoot,
    core: serverCore,
    redisUrl: hot.redisReachable ? args.redisUrl : undefined,
  });
  const hotPath: HotPathResults = {
    serviceCounters,
    rateLimit,
    ...(hot.redisReachable ? {} : { rateLimitRedisSkipped: `${args.redisUrl} not reachable` }),
    ...(rss === undefined ? {} : { rss }),
    nest: hot.nestInfo,
    ...(hot.warmWithoutRedis === undefined ? {} : { warmWithoutRedis: hot.warmWithoutRedis }),
  };

  const events = args.skipEvents
    ? { skipped: ['event-flow and webhook-dispatch: --skip-events'] }
    : await runEventBenches({
        benchDir,
        repoRoot,
        databaseUrl: args.databaseUrl,
        natsUrl: args.natsUrl,
        log,
      });

  const optional = await runOptionalBenches({
    benchDir,
    repoRoot,
    databaseUrl: args.databaseUrl,
    serverCore: args.serverCore,
    loadCore: args.loadCore,
    outDir: args.outDir ?? join(benchDir, 'results'),
    skipRamp: args.skipRamp,
    skipTracing: args.skipTracing,
    log,
  });

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
        ? `servers (bare Fastify, bare Fastify + pg, both checkout services, psp-sim, the NestJS peer) on core ${args.serverCore}; load generators (autocannon, raw pg loop) on core ${args.loadCore}; PostgreSQL and Redis unpinned`
        : 'NONE (taskset unavailable)',
      'load generator':
        'autocannon 9 (programmatic, child process); latency percentiles over exact per-response times of 2xx (of 304 in the revalidation scenario)',
      ...hotPathSettings(args, hot),
      'payment provider':
        'psp-sim (startPspSim from @keelson/psp-sim) in its own process on the server core, no faults (0 ms latency), durable journal in the temp dir; the service reaches it through KEELSON_PSP_URL',
      'payment scenario': `pm_card_visa, a fresh Idempotency-Key per request, each of ${ordersPerRound} pre-created orders (per round) paid once`,
      'direct provider scenario':
        'POST /v1/payment_intents form-encoded (the parameters the service sends), Bearer sk_test_bench, a fresh Idempotency-Key per request',
      'replay scenario':
        'one Idempotency-Key, same body, after one successful payment: every response is the stored 201',
      'product stock': hugeStock,
      'order shape':
        args.products === 1
          ? '1 line, quantity 1, always the same product (one hot row, in both the service and raw runs)'
          : `1 line, quantity 1, rotating over ${args.products} products (in both the service and raw runs)`,
    },
    results,
    rounds,
    ratios: runRatios(rounds, hot.nest !== undefined),
    resilience,
    hotPath,
    events,
    optional,
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
