// CPU profile of the payment path (issue 7 §7): the checkout service under `node --cpu-prof`,
// paying pre-created orders (pm_card_visa, a fresh Idempotency-Key each) against psp-sim on
// PostgreSQL, as bench/run.ts's payment scenario does, and nothing else: the profile holds the
// start-up, one warm-up and the measured window of that scenario only. Prints the summary.
// Usage: node bench/profile-payments.ts [--duration S] [--connections N] [--out DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, startService } from './checkout-service.ts';
import { onCleanup, runBench } from './cleanup.ts';
import { writeProfileReport } from './cpu-profile-summary.ts';
import type { LoadSpec } from './load-autocannon.ts';
import { tasksetAvailable } from './pinned-process.ts';
import { runProfiledLoad } from './profiled-load.ts';
import { startPspSimChild } from './psp-sim-child.ts';
import { seedOrders } from './seed-orders.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');
const pspApiKey = 'sk_test_bench';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '15' },
      connections: { type: 'string', default: '16' },
      out: { type: 'string', default: join(benchDir, 'results') },
    },
  });
  const durationS = Number(values.duration);
  const connections = Number(values.connections);
  const [serverCore, loadCore] = tasksetAvailable() ? [0, 1] : [undefined, undefined];
  const db = await createBenchDatabase(
    process.env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'keelson-profile-'));
  onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const profileDir = join(dataDir, 'cpu-prof');

  const { child: psp, url: pspUrl } = await startPspSimChild({ dataDir, core: serverCore, cwd: repoRoot });

  const env = { repoRoot, databaseUrl: db.url, dataDir };
  const { tenantId, token } = await provisionAccess(env);
  const service = await startService(env, {
    core: serverCore,
    poolMax: 10,
    logLevel: 'info',
    env: { KEELSON_PSP_URL: pspUrl, KEELSON_PSP_API_KEY: pspApiKey },
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const productId = await createProduct(service.baseUrl, token, 1_000_000_000, 0);
  const pathsFile = join(dataDir, 'payment-paths.txt');
  await seedOrders({
    databaseUrl: db.url,
    tenantId,
    productIds: [productId],
    count: 600 * (durationS + 2),
    concurrency: 10,
    pathsFile,
  });
  const spec: LoadSpec = {
    scenario: 'service POST /v1/orders/{id}/payments (profiled)',
    url: `${service.baseUrl}/v1/orders/-/payments`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    bodies: [JSON.stringify({ payment_method: 'pm_card_visa' })],
    pathsFile,
    freshIdempotencyKey: true,
    connections,
    durationS,
    warmupS: 2,
  };
  const { measured, loadMs } = await runProfiledLoad(spec, service, loadCore);
  await psp.stop();
  writeProfileReport({
    profileDir,
    loadMs,
    what: 'the payment path',
    how:
      `\`node bench/profile-payments.ts --duration ${durationS} --connections ${connections}\`: the service under ` +
      `\`node --cpu-prof\` on PostgreSQL, psp-sim on the same core, ${connections} connections.`,
    measured,
    outDir: values.out,
    name: 'payment-profile',
  });
}

await runBench(main);
