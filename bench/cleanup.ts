/**
 * One place that knows what to undo: child processes, temp files, the bench database.
 * Cleanups run last-registered first, each bounded in time, exactly once, on normal exit,
 * on error and on SIGINT/SIGTERM.
 */
type Cleanup = () => Promise<void> | void;

interface Entry {
  readonly name: string;
  readonly run: Cleanup;
}

const entries: Entry[] = [];
let running: Promise<void> | undefined;

/** Registers an undo step; returns a function that runs it now (and unregisters it). */
export function onCleanup(name: string, run: Cleanup): () => Promise<void> {
  const entry: Entry = { name, run };
  entries.push(entry);
  return async () => {
    const index = entries.indexOf(entry);
    if (index === -1) return;
    entries.splice(index, 1);
    await runBounded(entry);
  };
}

async function runBounded(entry: Entry, timeoutMs = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(`bench: cleanup '${entry.name}' timed out after ${timeoutMs} ms\n`);
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(entry.run), timeout]);
  } catch (error) {
    process.stderr.write(`bench: cleanup '${entry.name}' failed: ${String(error)}\n`);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every registered step once, newest first; later calls wait for the same run. */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (entries.length > 0) {
      const entry = entries.pop();
      if (entry) await runBounded(entry);
    }
  })();
  return running;
}

/** SIGINT/SIGTERM: clean up, then exit 130/143. A second signal exits at once. */
export function installSignalHandlers(): void {
  let signalled = false;
  const handle = (signal: NodeJS.Signals, code: number) => {
    if (signalled) process.exit(code);
    signalled = true;
    process.stderr.write(`\nbench: ${signal} received, cleaning up…\n`);
    void runCleanups().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => handle('SIGINT', 130));
  process.on('SIGTERM', () => handle('SIGTERM', 143));
}

/**
 * The end of every bench script: signal handlers, `main`, and the cleanups whatever happened; a
 * failure is reported through `report` (default: the error on stderr) and exits 1.
 */
export async function runBench(
  main: () => Promise<void>,
  report: (error: unknown) => void = (error) => console.error(error),
): Promise<void> {
  installSignalHandlers();
  try {
    await main();
  } catch (error) {
    report(error);
    process.exitCode = 1;
  } finally {
    await runCleanups();
  }
}
