import { execFile } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { type PinnedChild, spawnPinned } from './pinned-process.ts';
import { waitUntilReady } from './wait-ready.ts';

/** Starting, provisioning and stopping the checkout service under test. */

const execFileAsync = promisify(execFile);
const mainScript = 'services/checkout/src/main.ts';

export interface ServiceEnv {
  readonly repoRoot: string;
  readonly databaseUrl: string;
  readonly dataDir: string;
}

function baseEnv(env: ServiceEnv): NodeJS.ProcessEnv {
  return { ...process.env, KEELSON_DATABASE_URL: env.databaseUrl, KEELSON_DATA_DIR: env.dataDir };
}

/** Runs one `keelson … --json` CLI command (bounded) and returns its JSON object. */
async function cli(env: ServiceEnv, args: readonly string[]): Promise<Record<string, unknown>> {
  const { stdout } = await execFileAsync(process.execPath, [mainScript, ...args, '--json'], {
    cwd: env.repoRoot,
    env: baseEnv(env),
    timeout: 60_000,
  }).catch((error: unknown) => {
    const detail = typeof error === 'object' && error !== null && 'stdout' in error ? String(error.stdout) : '';
    throw new Error(`keelson ${args.join(' ')} failed: ${String(error)} ${detail}`);
  });
  const out: unknown = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  if (typeof out !== 'object' || out === null || ('object' in out && out.object === 'error')) {
    throw new Error(`keelson ${args.join(' ')} answered ${stdout.trim()}`);
  }
  // A non-null object checked just above.
  return out as Record<string, unknown>;
}

function stringField(out: Record<string, unknown>, field: string, what: string): string {
  const value = out[field];
  if (typeof value !== 'string' || value === '') throw new Error(`${what}: no '${field}' in ${JSON.stringify(out)}`);
  return value;
}

/** A tenant and a read+write API key, through the CLI (which also applies the migrations). */
export async function provisionAccess(env: ServiceEnv): Promise<{ tenantId: string; token: string }> {
  const tenant = await cli(env, ['tenants', 'create', '--name', 'Bench']);
  const tenantId = stringField(tenant, 'id', 'tenants create');
  const key = await cli(env, ['keys', 'create', '--tenant', tenantId, '--scopes', 'read,write']);
  return { tenantId, token: stringField(key, 'token', 'keys create') };
}

export interface RunningService {
  readonly baseUrl: string;
  /** Admin server (`/metrics`, `/readyz`). */
  readonly adminUrl: string;
  readonly child: PinnedChild;
  readonly logFile: string;
}

/** Starts `serve` pinned to `core`, its JSON log lines going to a file, and waits for /readyz. */
export async function startService(
  env: ServiceEnv,
  options: {
    /** Tells several services apart in logs and errors; also names the log file. Default `service`. */
    readonly name?: string;
    readonly core: number | undefined;
    readonly poolMax: number;
    readonly logLevel: string;
    /** Extra environment, e.g. KEELSON_PSP_URL of the simulator the bench started. */
    readonly env?: NodeJS.ProcessEnv;
    /** Node flags before the script, e.g. `--cpu-prof` (bench/profile-payments.ts). */
    readonly nodeArgs?: readonly string[];
    /**
     * 'never' (default): the shedder is in the chain but cannot refuse. 'service defaults': the
     * thresholds the service ships with (bench/shedding-ramp.ts measures those).
     */
    readonly shedding?: 'never' | 'service defaults';
    /** `keelson serve --role`: default `all` (the API and the background workers in one process). */
    readonly role?: 'api' | 'worker' | 'all';
  },
): Promise<RunningService> {
  const [httpPort, adminPort] = [await freePort(), await freePort()];
  const name = options.name ?? 'service';
  const logFile = join(env.dataDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawnPinned({
    name: `checkout ${name}`,
    core: options.core,
    args: [...(options.nodeArgs ?? []), mainScript, 'serve', '--role', options.role ?? 'all'],
    cwd: env.repoRoot,
    env: {
      ...baseEnv(env),
      KEELSON_HOST: '127.0.0.1',
      KEELSON_HTTP_PORT: String(httpPort),
      KEELSON_ADMIN_PORT: String(adminPort),
      KEELSON_LOG_LEVEL: options.logLevel,
      KEELSON_DATABASE_POOL_MAX: String(options.poolMax),
      // The limiter and the shedder stay in the chain (their cost is measured) but never refuse:
      // one key drives every scenario far past a plan, and a closed loop saturates the core by design.
      KEELSON_RATE_LIMIT_RATE: '1000000000',
      KEELSON_RATE_LIMIT_BURST: '1000000000',
      KEELSON_RATE_LIMIT_CONCURRENCY: '1000000',
      // Undefined is left out of the child's environment: the service's own defaults apply.
      KEELSON_SHED_MAX_EVENT_LOOP_DELAY_MS: options.shedding === 'service defaults' ? undefined : '60000',
      KEELSON_SHED_MAX_IN_FLIGHT: options.shedding === 'service defaults' ? undefined : '1000000',
      // Utilisation reads at most 1 = the target: inside the dead band, so it never sheds.
      KEELSON_SHED_TARGET_UTILIZATION: options.shedding === 'service defaults' ? undefined : '1',
      ...options.env,
    },
    output: fd,
  });
  closeSync(fd);
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  try {
    await waitUntilReady([`${baseUrl}/readyz`, `${adminUrl}/readyz`], child, 60_000);
  } catch (error) {
    await child.stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- service log tail ---\n${tail(logFile)}`,
    );
  }
  return { baseUrl, adminUrl, child, logFile };
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Creates the product the order scenarios buy from, through the public API. */
export async function createProduct(baseUrl: string, token: string, stock: number, n: number): Promise<string> {
  const response = await fetch(`${baseUrl}/v1/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sku: `BENCH-${n}`, name: `Bench product ${n}`, unit_amount: 1_000, currency: 'USD', stock }),
    signal: AbortSignal.timeout(10_000),
  });
  const body: unknown = await response.json();
  if (response.status !== 201 || typeof body !== 'object' || body === null || !('id' in body)) {
    throw new Error(`POST /v1/products answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return String(body.id);
}
