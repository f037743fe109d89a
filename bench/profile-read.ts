// CPU profile of the read path (issue 9 §6): the checkout service under `node --cpu-prof` on
// PostgreSQL (product cache in Redis + in-process, rate limits in memory), answering warm `GET /v1/products/{id}` (or its 304 revalidation with
// `--not-modified`) from one key, as bench/run.ts's GET scenario does, and nothing else.
// Prints the summary and writes it to bench/results.
// Usage: node bench/profile-read.ts [--duration S] [--connections N] [--not-modified] [--log-level L] [--out DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, startService } from './checkout-service.ts';
import { onCleanup, runBench } from './cleanup.ts';
import { writeProfileReport } from './cpu-profile-summary.ts';
import { warmServiceEnv } from './hot-path-servers.ts';
import type { LoadSpec } from './load-autocannon.ts';
import { tasksetAvailable } from './pinned-process.ts';
import { runProfiledLoad } from './profiled-load.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '15' },
      connections: { type: 'string', default: '64' },
      'not-modified': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'redis-url': { type: 'string', default: process.env.KEELSON_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
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

  const env = { repoRoot, databaseUrl: db.url, dataDir };
  const { token } = await provisionAccess(env);
  // Warm as bench/run.ts's warm service is: the product cache needs Redis on PostgreSQL.
  const warm = await warmServiceEnv(values['redis-url']);
  if (warm === undefined) console.error(`⚠ ${values['redis-url']} not reachable: no product cache, every read is cold`);
  const service = await startService(env, {
    core: serverCore,
    poolMax: 10,
    logLevel: values['log-level'],
    env: warm ?? {},
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
  });
  const productId = await createProduct(service.baseUrl, token, 1_000_000_000, 0);
  const url = `${service.baseUrl}/v1/products/${productId}`;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (values['not-modified']) {
    const etag = (await fetch(url, { headers })).headers.get('etag');
    if (etag === null) throw new Error('GET answered without an ETag');
    headers['if-none-match'] = etag;
  }
  const what = values['not-modified'] ? 'GET /v1/products/{id} 304' : 'GET /v1/products/{id}';
  const spec: LoadSpec = {
    scenario: `${what} (profiled)`,
    url,
    method: 'GET',
    headers,
    connections,
    durationS,
    warmupS: 2,
  };
  const { measured, loadMs } = await runProfiledLoad(spec, service, loadCore);
  console.log(JSON.stringify(measured));
  writeProfileReport({
    profileDir,
    loadMs,
    what,
    how:
      `\`node bench/profile-read.ts --duration ${durationS} --connections ${connections}` +
      `${values['not-modified'] ? ' --not-modified' : ''} --log-level ${values['log-level']}\`: the service under ` +
      `\`node --cpu-prof\` on PostgreSQL, pinned to one core, ${connections} connections.`,
    measured,
    outDir: values.out,
    name: 'read-profile',
  });
}

await runBench(main);
