// CPU time per request (issue 9 §6): bare Fastify hello-world and the checkout service's
// `GET /v1/products/{id}` (warm, its 304 revalidation, or cold with the cache off, beside its fair
// baseline: bare Fastify running the same SELECT through a pool of the same size), each pinned
// to the server core, driven by autocannon (64 connections) on the load core; CPU is utime+stime
// from /proc/<pid>/stat around each window. Unlike rps it does not depend on how fast the
// generator is, so it is what A/B comparisons of hot-path changes use: pass two checkouts with
// --repo and the rounds interleave them (the host's speed drifts between windows).
//
//   node bench/cpu-per-request.ts [--repo DIR]… [--cold] [--rounds N] [--seconds S]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, type RunningService, startService } from './checkout-service.ts';
import { onCleanup, runBench } from './cleanup.ts';
import type { FastifySqlSpec } from './fastify-sql.ts';
import { freePort } from './free-port.ts';
import { warmServiceEnv } from './hot-path-servers.ts';
import type { LoadSpec } from './load-autocannon.ts';
import type { Measurement } from './measurement.ts';
import { type PinnedChild, runPinnedForJson, spawnPinned, tasksetAvailable } from './pinned-process.ts';
import { cpuMsOf } from './proc-cpu.ts';
import { waitUntilReady } from './wait-ready.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');

const { values } = parseArgs({
  options: {
    repo: { type: 'string', multiple: true, default: [repoRoot] },
    cold: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '5' },
    'redis-url': { type: 'string', default: process.env.KEELSON_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});

/** The service's KEELSON_DATABASE_POOL_MAX, and the cold baseline's pool. */
const poolMax = 10;

interface Target {
  readonly name: string;
  readonly pid: number;
  readonly spec: LoadSpec;
}

async function main(): Promise<void> {
  const [serverCore, loadCore] = tasksetAvailable() ? [0, 1] : [undefined, undefined];
  const seconds = Number(values.seconds);
  const db = await createBenchDatabase(
    process.env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  );
  onCleanup('drop the bench database', () => db.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'keelson-cpu-'));
  onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const { tenantId, token } = await provisionAccess({ repoRoot, databaseUrl: db.url, dataDir });
  const auth = { authorization: `Bearer ${token}` };
  const load = (name: string, url: string, headers: Record<string, string>, expectStatus?: number): LoadSpec => ({
    scenario: name,
    url,
    method: 'GET',
    headers,
    connections: 64,
    durationS: seconds,
    warmupS: 1,
    ...(expectStatus === undefined ? {} : { expectStatus }),
  });

  const helloPort = await freePort();
  const hello: PinnedChild = spawnPinned({
    name: 'bare Fastify',
    core: serverCore,
    args: [join(benchDir, 'fastify-hello.ts'), String(helloPort)],
    cwd: repoRoot,
    output: 'ignore',
  });
  onCleanup('stop bare Fastify', () => hello.stop());
  await waitUntilReady([`http://127.0.0.1:${helloPort}/`], hello, 20_000);
  const targets: Target[] = [
    {
      name: 'bare Fastify GET /',
      pid: hello.process.pid ?? 0,
      spec: load('hello', `http://127.0.0.1:${helloPort}/`, {}),
    },
  ];
  const env = values.cold
    ? { KEELSON_CACHE_ENABLED: 'false' }
    : ((await warmServiceEnv(values['redis-url'])) ?? { KEELSON_CACHE_ENABLED: 'false' });
  for (const [i, checkout] of values.repo.entries()) {
    const service: RunningService = await startService(
      { repoRoot: resolve(checkout), databaseUrl: db.url, dataDir },
      { name: `service-${i}`, core: serverCore, poolMax, logLevel: 'info', env },
    );
    onCleanup(`stop the service of ${checkout}`, () => service.child.stop(15_000));
    const url = `${service.baseUrl}/v1/products/${await createProduct(service.baseUrl, token, 1e9, i)}`;
    const etag = (await fetch(url, { headers: auth })).headers.get('etag') ?? '';
    const pid = service.child.process.pid ?? 0;
    targets.push({ name: `${checkout} GET ${values.cold ? 'cold' : 'warm'}`, pid, spec: load('get', url, auth) });
    if (!values.cold)
      targets.push({
        name: `${checkout} GET 304`,
        pid,
        spec: load('304', url, { ...auth, 'if-none-match': etag }, 304),
      });
  }
  if (values.cold) targets.splice(1, 0, await startFastifySql(db.url, tenantId, targets, serverCore));
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const target of targets) {
      const before = cpuMsOf(target.pid);
      const measured = (await runPinnedForJson({
        name: `autocannon (${target.name})`,
        core: loadCore,
        args: [join(benchDir, 'load-autocannon.ts'), JSON.stringify(target.spec)],
        cwd: repoRoot,
        timeoutMs: (seconds + 1) * 1_000 + 60_000,
      })) as Measurement; // our own child's JSON line (load-autocannon.ts)
      // The warm-up's requests are in the CPU window too: count them at the measured rate.
      const requests = measured.completed * ((seconds + 1) / seconds);
      const us = ((cpuMsOf(target.pid) - before) * 1_000) / requests;
      console.log(
        `round ${round}  ${target.name.padEnd(48)} ${Math.round(measured.rate).toString().padStart(6)} rps  ${us.toFixed(1).padStart(6)} µs CPU/request`,
      );
    }
  }
}

/** The cold read's fair baseline, reading the first service's product (same database, same tenant). */
async function startFastifySql(
  databaseUrl: string,
  tenantId: string,
  targets: readonly Target[],
  core: number | undefined,
): Promise<Target> {
  const cold = targets[1] ?? raise('no service to take the product from');
  const spec: FastifySqlSpec = { port: await freePort(), databaseUrl, tenantId, poolMax };
  const child = spawnPinned({
    name: 'bare Fastify + pg',
    core,
    args: [join(benchDir, 'fastify-sql.ts'), JSON.stringify(spec)],
    cwd: repoRoot,
    output: 'ignore',
  });
  onCleanup('stop bare Fastify + pg', () => child.stop());
  const url = `http://127.0.0.1:${spec.port}${new URL(cold.spec.url).pathname}`;
  await waitUntilReady([url], child, 30_000);
  return {
    name: 'bare Fastify + pg GET (same SQL)',
    pid: child.process.pid ?? 0,
    spec: { ...cold.spec, url, headers: {} },
  };
}

function raise(message: string): never {
  throw new Error(message);
}

await runBench(main, (error) =>
  process.stderr.write(`cpu-per-request: FAILED: ${error instanceof Error ? error.message : String(error)}\n`),
);
