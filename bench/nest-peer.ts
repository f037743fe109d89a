import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createIdGenerator } from '@keelson/kit/ids';
import pg from 'pg';
import { productColumns } from '../services/checkout/src/adapters/postgres/product.rows.ts';
import { freePort } from './free-port.ts';
import { type PinnedChild, spawnPinned } from './pinned-process.ts';
import { waitUntilReady } from './wait-ready.ts';

/*
 * The NestJS peer (issue 9 §6: "ahead of the NestJS build at equal connections"): a typical
 * NestJS 11 app over Keelson's own schema, kept read-only outside this repository. The bench
 * copies it to a temp dir, `npm ci && npm run build` there, and keeps the result under
 * ~/.cache/keelson-bench/nest-checkout/<hash of its package-lock, package.json, tsconfig and
 * sources>, so later runs start at once. Anything that keeps it from building is a skip with the
 * reason, never a failed run.
 */

const execFileAsync = promisify(execFile);
/** npm ci and tsc on a busy 2-core host: generous, but a hung registry must not hang the run. */
const installTimeoutMs = 300_000;
const buildTimeoutMs = 180_000;

export type NestBuild = { readonly dir: string; readonly cached: boolean } | { readonly skipped: string };

function filesToHash(sourceDir: string): string[] {
  const top = ['package-lock.json', 'package.json', 'tsconfig.json'].map((f) => join(sourceDir, f));
  const src = join(sourceDir, 'src');
  const sources = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(src, f));
  return [...top, ...sources];
}

function buildKey(sourceDir: string): string {
  const hash = createHash('sha256');
  for (const file of filesToHash(sourceDir)) hash.update(file.slice(sourceDir.length)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** The first line of the failure and the last lines of its output (tsc reports on stdout, npm on stderr). */
function reason(error: unknown): string {
  const out = (field: 'stdout' | 'stderr') =>
    typeof error === 'object' && error !== null && field in error ? String(Reflect.get(error, field)).trim() : '';
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  const detail = [out('stdout'), out('stderr')]
    .filter((text) => text !== '')
    .flatMap((text) => text.split('\n').slice(-3));
  return `${message}${detail.length === 0 ? '' : `: ${detail.join(' | ')}`}`.slice(0, 600);
}

/** The built peer (from the cache, or installed and built now), or why it cannot run. */
export async function prepareNestPeer(sourceDir: string, log: (message: string) => void): Promise<NestBuild> {
  if (!existsSync(join(sourceDir, 'package-lock.json'))) return { skipped: `no NestJS peer at ${sourceDir}` };
  const cacheRoot = join(homedir(), '.cache', 'keelson-bench', 'nest-checkout');
  let key: string;
  try {
    key = buildKey(sourceDir);
  } catch (error) {
    return { skipped: `cannot read ${sourceDir}: ${reason(error)}` };
  }
  const dir = join(cacheRoot, key);
  if (existsSync(join(dir, 'dist', 'main.js'))) return { dir, cached: true };

  mkdirSync(cacheRoot, { recursive: true });
  const work = join(cacheRoot, `tmp-${key}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  try {
    log(`NestJS peer: copying ${sourceDir} and running npm ci && npm run build (cached as ${dir})`);
    // The source may be read-only: the copy must not keep that mode, or npm cannot write into it.
    cpSync(sourceDir, work, { recursive: true });
    for (const f of ['node_modules', 'dist']) rmSync(join(work, f), { recursive: true, force: true });
    await execFileAsync('chmod', ['-R', 'u+w', work]);
    await execFileAsync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: work, timeout: installTimeoutMs });
    await execFileAsync('npm', ['run', 'build'], { cwd: work, timeout: buildTimeoutMs });
    if (!existsSync(join(work, 'dist', 'main.js'))) throw new Error('npm run build produced no dist/main.js');
    renameSync(work, dir);
    return { dir, cached: false };
  } catch (error) {
    return { skipped: `the NestJS peer did not install or build: ${reason(error)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A product with `stock` in the peer's database (Keelson's schema; the peer has no product API). */
export async function insertProduct(databaseUrl: string, tenantId: string, stock: number): Promise<string> {
  const id = createIdGenerator()('prod');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const now = new Date();
    await client.query(`INSERT INTO products (${productColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
      id,
      tenantId,
      'NEST-BENCH-0',
      'Nest bench product',
      1_000,
      'USD',
      stock,
      1,
      now,
      now,
    ]);
  } finally {
    await client.end();
  }
  return id;
}

export interface RunningNest {
  readonly baseUrl: string;
  readonly child: PinnedChild;
  readonly logFile: string;
}

/** Starts the built peer pinned to `core`, its request log in a file (as the service's), and waits for /metrics. */
export async function startNestPeer(options: {
  readonly dir: string;
  readonly core: number | undefined;
  readonly databaseUrl: string;
  readonly poolMax: number;
  readonly adapter: 'express' | 'fastify';
  readonly logLevel: string;
  readonly logFile: string;
}): Promise<RunningNest> {
  const port = await freePort();
  const fd = openSync(options.logFile, 'a');
  const child = spawnPinned({
    name: `NestJS peer (${options.adapter})`,
    core: options.core,
    args: [join(options.dir, 'dist', 'main.js')],
    cwd: options.dir,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ADAPTER: options.adapter,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      POOL_MAX: String(options.poolMax),
      LOG_LEVEL: options.logLevel,
    },
    output: fd,
  });
  closeSync(fd);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady([`${baseUrl}/metrics`], child, 60_000);
  return { baseUrl, child, logFile: options.logFile };
}
