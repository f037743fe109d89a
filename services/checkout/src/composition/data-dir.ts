import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The embedded data directory's own files, besides PGlite's `pgdata/`:
// - `lock`: PGlite has no cross-process locking, and two processes opening one data directory
//   corrupt it; the lock (the owner's pid) is taken before PGlite opens and released after it closed;
// - `server.json`: the running server's admin URL, so the CLI goes through its admin API while
//   the server holds the only PGlite session;
// - `admin-token`: the admin API's token when none is configured (mode 0600).

function fileIn(dataDir: string, name: string): string {
  return join(resolve(dataDir), name);
}

/** Whether a process with this pid exists (signal 0 checks without delivering anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isSafeInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  release(): void;
}

/** Takes the data directory's lock; a lock whose process is gone is taken over. */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(resolve(dataDir), { recursive: true });
  const file = fileIn(dataDir, 'lock');
  // Two attempts: the second after removing a lock left by a process that no longer exists.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (readPid(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      const owner = readPid(file);
      if (owner !== undefined && owner !== process.pid && processAlive(owner)) {
        throw new Error(`another Keelson process (pid ${owner}) is using ${resolve(dataDir)}; stop it or wait for it`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${resolve(dataDir)}: another process keeps taking it`);
}

/** The admin token: from config, else read or created (mode 0600) in the data directory. */
export function adminTokenFor(dataDir: string, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const file = fileIn(dataDir, 'admin-token');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(resolve(dataDir), { recursive: true });
    const token = randomBytes(32).toString('base64url');
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  }
}

export interface RunningServer {
  readonly pid: number;
  readonly adminUrl: string;
}

/** Records this process as the data directory's server; the returned function clears it. */
export function recordRunningServer(dataDir: string, server: RunningServer): () => void {
  const file = fileIn(dataDir, 'server.json');
  writeFileSync(file, `${JSON.stringify(server)}\n`, { mode: 0o600 });
  return () => rmSync(file, { force: true });
}

/** The server recorded in the data directory, if its process is still alive. */
export function findRunningServer(dataDir: string): RunningServer | undefined {
  let server: Partial<RunningServer>;
  try {
    // Written by recordRunningServer; a malformed file counts as absent (checked below).
    server = JSON.parse(readFileSync(fileIn(dataDir, 'server.json'), 'utf8')) as Partial<RunningServer>;
  } catch {
    return undefined;
  }
  const { pid, adminUrl } = server;
  if (typeof pid !== 'number' || typeof adminUrl !== 'string' || !processAlive(pid)) return undefined;
  return { pid, adminUrl };
}
