import assert from 'node:assert/strict';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The real `keelson` process for process-level tests: spawned with the Node that runs the
 * tests (the pinned Node 24 under `npx node --test`), on OS-chosen ports, with its own data
 * directory and none of the developer's KEELSON_* variables. Every wait is bounded and fails
 * with the process's output, so a hang shows what the process was doing.
 *
 * Over 300 lines on purpose: spawning, output capture, bounded waits and the CLI runner share
 * one `Captured` process record and its failure reporting; split apart they would each re-export it.
 */

export const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');
const mainTs = join(repoRoot, 'services', 'checkout', 'src', 'main.ts');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A port nobody listens on right now: listen on 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return address.port;
}

export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function tempDir(prefix = 'keelson-process-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The parent's environment minus every KEELSON_* variable, plus `extra`. */
export function childEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('KEELSON_')) env[name] = value;
  }
  return { ...env, ...extra };
}

export interface ServiceSettings {
  readonly dataDir: string;
  /** Real PostgreSQL; unset = embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string | undefined;
  readonly logLevel?: string;
}

export interface ServiceEnv {
  readonly env: Record<string, string>;
  readonly apiUrl: string;
  readonly adminUrl: string;
}

/** Settings for one `serve` (and the CLI talking to it): fresh ports, loopback only. */
export async function serviceEnv(settings: ServiceSettings): Promise<ServiceEnv> {
  const httpPort = await freePort();
  const adminPort = await freePort();
  const env = childEnv({
    KEELSON_HOST: '127.0.0.1',
    KEELSON_HTTP_PORT: String(httpPort),
    KEELSON_ADMIN_PORT: String(adminPort),
    KEELSON_DATA_DIR: settings.dataDir,
    KEELSON_LOG_LEVEL: settings.logLevel ?? 'info',
    // Scenarios drive one key hard on a loaded machine; limits and shedding have their own tests,
    // which override these (test/process/rate-limit-accuracy.process.test.ts).
    KEELSON_RATE_LIMIT_RATE: '1000000',
    KEELSON_RATE_LIMIT_BURST: '1000000',
    KEELSON_RATE_LIMIT_CONCURRENCY: '100000',
    KEELSON_SHED_ENABLED: 'false',
    ...(settings.databaseUrl === undefined ? {} : { KEELSON_DATABASE_URL: settings.databaseUrl }),
  });
  return { env, apiUrl: `http://127.0.0.1:${httpPort}`, adminUrl: `http://127.0.0.1:${adminPort}` };
}

/** A spawned process whose stdout and stderr are kept for assertions and failure messages. */
class Captured {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly closed: Promise<Exit>;
  #stdout = '';
  #stderr = '';
  #exit: Exit | undefined;

  constructor(command: string, args: readonly string[], options: { env: Record<string, string>; cwd: string }) {
    this.child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stdout += chunk;
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    // 'close', not 'exit': it comes after the pipes are drained, so the output is complete.
    this.closed = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
    // A failed spawn is reported by whoever awaits `closed`; never as an unhandled rejection.
    this.closed.catch(() => {});
  }

  get stdout(): string {
    return this.#stdout;
  }
  get stderr(): string {
    return this.#stderr;
  }
  get exit(): Exit | undefined {
    return this.#exit;
  }

  describe(): string {
    const tail = (text: string) => text.split('\n').slice(-40).join('\n');
    return `pid ${this.child.pid}, exit ${JSON.stringify(this.#exit ?? 'running')}\n--- stdout ---\n${tail(this.#stdout)}\n--- stderr ---\n${tail(this.#stderr)}`;
  }

  /** The exit, or a failure (after SIGKILL) if it does not come within `timeoutMs`. */
  async waitForExit(timeoutMs: number, what: string): Promise<Exit> {
    const timer = AbortSignal.timeout(timeoutMs);
    const timedOut = once(timer, 'abort').then(() => undefined);
    const exit = await Promise.race([this.closed, timedOut]);
    if (exit !== undefined) return exit;
    await this.kill();
    assert.fail(`${what}: no exit within ${timeoutMs} ms; killed it.\n${this.describe()}`);
  }

  /** SIGKILL unless it has already exited, then wait for the exit: for `after` hooks. */
  async kill(): Promise<void> {
    if (this.#exit !== undefined || this.child.exitCode !== null || this.child.signalCode !== null) {
      await this.closed.catch(() => {});
      return;
    }
    this.child.kill('SIGKILL');
    await this.closed.catch(() => {});
  }
}

export interface CommandResult extends Exit {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (killed and failed after `timeoutMs`). */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string; timeoutMs?: number },
): Promise<CommandResult> {
  const run = new Captured(command, args, { env: options.env, cwd: options.cwd ?? repoRoot });
  const exit = await run.waitForExit(options.timeoutMs ?? 60_000, `${command} ${args.join(' ')}`);
  return { ...exit, stdout: run.stdout, stderr: run.stderr };
}

/** `keelson <args>` as `node services/checkout/src/main.ts <args>`. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<CommandResult> {
  return runCommand(process.execPath, [mainTs, ...args], { env, ...options });
}

/**
 * Asserts the CLI's `--json` contract: stdout is exactly one line holding one JSON object.
 * Returns that object.
 */
export function singleJsonObject(result: CommandResult): Record<string, unknown> {
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `expected one line of JSON on stdout, got:\n${result.stdout}\n${result.stderr}`);
  const parsed: unknown = JSON.parse(lines[0] ?? '');
  assert.ok(isRecord(parsed), `expected a JSON object, got ${lines[0]}`);
  return parsed;
}

/** A `--json` success: exit 0 and exactly one JSON object on stdout, returned. */
export function succeeded(result: CommandResult): Record<string, unknown> {
  assert.equal(result.code, 0, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return singleJsonObject(result);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One structured log line of the service (its JSON lines on stdout). */
export type LogLine = Readonly<Record<string, unknown>>;

export interface ServiceProcess {
  readonly pid: number;
  readonly apiUrl: string;
  readonly adminUrl: string;
  readonly env: Record<string, string>;
  readonly stdout: string;
  readonly stderr: string;
  /** Set once the process has exited and its output is complete. */
  readonly exit: Exit | undefined;
  /** Structured log lines so far; the welcome banner and other text are skipped. */
  logLines(): LogLine[];
  /** Resolves when stdout matches; fails if the process exits first or after `timeoutMs`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  signal(signal: NodeJS.Signals): void;
  /** The exit, or a failure (after SIGKILL) if it does not come within `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<Exit>;
  /** SIGTERM and the exit (bounded), for a test that asserts the stop. */
  stop(timeoutMs?: number): Promise<Exit>;
  /** SIGKILL unless already exited; for `after` hooks. */
  kill(): Promise<void>;
  describe(): string;
}

/** The banner's last fixed line; it is written after both servers listen. */
const bannerPrinted = /Keelson checkout is running[\s\S]*Database: [^\n]*\n/;

/**
 * Spawns `keelson serve` and waits (bounded) until it printed its banner and the admin port's
 * /readyz answers 200. On any failure the process is killed before the error is thrown.
 */
export async function startServiceProcess(
  settings: ServiceEnv,
  options: { readyTimeoutMs?: number; serveArgs?: readonly string[] } = {},
): Promise<ServiceProcess> {
  const args = [mainTs, 'serve', ...(options.serveArgs ?? [])];
  const run = new Captured(process.execPath, args, { env: settings.env, cwd: repoRoot });
  const service: ServiceProcess = {
    pid: run.child.pid ?? -1,
    apiUrl: settings.apiUrl,
    adminUrl: settings.adminUrl,
    env: settings.env,
    get stdout() {
      return run.stdout;
    },
    get stderr() {
      return run.stderr;
    },
    get exit() {
      return run.exit;
    },
    logLines: () => parseLogLines(run.stdout),
    waitForStdout: (pattern, timeoutMs = 30_000) => waitForOutput(run, pattern, timeoutMs),
    signal: (signal) => {
      run.child.kill(signal);
    },
    waitForExit: (timeoutMs = 30_000) => run.waitForExit(timeoutMs, 'keelson serve'),
    stop: async (timeoutMs = 30_000) => {
      run.child.kill('SIGTERM');
      return run.waitForExit(timeoutMs, 'keelson serve after SIGTERM');
    },
    kill: () => run.kill(),
    describe: () => run.describe(),
  };
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    await waitForOutput(run, bannerPrinted, deadline - Date.now());
    await pollUntil(deadline, run, async () => (await fetchStatus(`${settings.adminUrl}/readyz`)) === 200, 'ready');
    return service;
  } catch (error) {
    await run.kill();
    throw error;
  }
}

/** GET `url`'s status, or undefined when the connection fails (refused, reset, timed out). */
export async function fetchStatus(
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<number | undefined> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/**
 * Re-checks `condition` every 50 ms until it holds; fails at `deadline` or when the process
 * exits first. For states only observable by asking (readiness, a gauge, a closed port).
 */
export async function pollUntil(
  deadline: number,
  watched: { readonly exit: Exit | undefined; describe(): string },
  condition: () => Promise<boolean>,
  what: string,
): Promise<void> {
  for (;;) {
    if (await condition()) return;
    if (watched.exit !== undefined) assert.fail(`the process exited before it was ${what}.\n${watched.describe()}`);
    if (Date.now() >= deadline) assert.fail(`not ${what} in time.\n${watched.describe()}`);
    await delay(50);
  }
}

function waitForOutput(run: Captured, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const already = pattern.exec(run.stdout);
  if (already !== null) return Promise.resolve(already);
  if (run.exit !== undefined) {
    return Promise.reject(new Error(`the process exited before printing ${pattern}.\n${run.describe()}`));
  }
  return new Promise((resolve, reject) => {
    // Added after Captured's own listener: when this runs, the chunk is already appended.
    const onData = (): void => {
      const match = pattern.exec(run.stdout);
      if (match === null) return;
      finish();
      resolve(match);
    };
    const onClose = (): void => {
      finish();
      const match = pattern.exec(run.stdout);
      if (match !== null) resolve(match);
      else reject(new Error(`the process exited before printing ${pattern}.\n${run.describe()}`));
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms.\n${run.describe()}`));
    }, timeoutMs);
    function finish(): void {
      clearTimeout(timer);
      run.child.stdout.off('data', onData);
      run.child.off('close', onClose);
    }
    run.child.stdout.on('data', onData);
    run.child.once('close', onClose);
  });
}

function parseLogLines(stdout: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isRecord(parsed)) lines.push(parsed);
    } catch {
      // A banner line that happens to start with '{' is not a log line.
    }
  }
  return lines;
}
