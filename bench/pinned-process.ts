import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { onCleanup } from './cleanup.ts';

/**
 * Node child processes pinned to one CPU core with `taskset`, on the same Node binary as
 * the bench itself (`process.execPath`), registered for cleanup the moment they start.
 */
export interface PinnedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (bounded). */
  stop(graceMs?: number): Promise<void>;
}

let tasksetChecked: boolean | undefined;

/** Whether `taskset` exists and may pin to core 0 here. */
export function tasksetAvailable(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore', timeout: 5_000 }).status === 0;
  return tasksetChecked;
}

export interface SpawnPinnedOptions {
  readonly name: string;
  /** Core to pin to; undefined = not pinned (no taskset available). */
  readonly core: number | undefined;
  /** Arguments after the Node binary: a script path and its arguments. */
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** stdout/stderr: 'pipe' to read them, or a file descriptor. */
  readonly output: 'pipe' | 'ignore' | number;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export function spawnPinned(options: SpawnPinnedOptions): PinnedChild {
  const [command, args] =
    options.core === undefined
      ? [process.execPath, [...options.args]]
      : ['taskset', ['-c', String(options.core), process.execPath, ...options.args]];
  const child = spawn(command, args, {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ['ignore', options.output, options.output],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      process.stderr.write(`bench: could not start ${options.name}: ${error.message}\n`);
      resolve({ code: -1, signal: null });
    });
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  const kill = async (graceMs: number) => {
    if (!isRunning()) return;
    child.kill('SIGTERM');
    if (await waitForExit(child, graceMs)) return;
    process.stderr.write(`bench: ${options.name} ignored SIGTERM for ${graceMs} ms, sending SIGKILL\n`);
    child.kill('SIGKILL');
    await waitForExit(child, 2_000);
  };
  const stopNow = onCleanup(`stop ${options.name}`, () => kill(5_000));
  return {
    name: options.name,
    process: child,
    exited,
    isRunning,
    async stop(graceMs = 5_000) {
      await kill(graceMs);
      await stopNow();
    },
  };
}

/**
 * Runs a pinned Node script that prints one JSON document as its last stdout line, and
 * returns that document. Fails on a non-zero exit, unparsable output or after `timeoutMs`.
 */
export async function runPinnedForJson(
  options: Omit<SpawnPinnedOptions, 'output'> & { readonly timeoutMs: number },
): Promise<unknown> {
  const child = spawnPinned({ ...options, output: 'pipe' });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.process.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.process.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
  });
  const outcome = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await child.stop(1_000);
    throw new Error(`${options.name} did not finish within ${options.timeoutMs} ms`);
  }
  await child.stop();
  const errText = Buffer.concat(stderr).toString('utf8').trim();
  if (outcome.code !== 0) {
    throw new Error(`${options.name} exited with ${outcome.code ?? outcome.signal}: ${errText.slice(-2_000)}`);
  }
  const lastLine = Buffer.concat(stdout).toString('utf8').trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(lastLine);
  } catch {
    throw new Error(
      `${options.name} printed no JSON result (stdout ended with '${lastLine.slice(-200)}'; stderr: ${errText.slice(-500)})`,
    );
  }
}
