import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * PGlite has no cross-process locking: two processes opening one data directory corrupt it.
 * This lock file (holding the owner's pid) is taken before the embedded database is opened
 * and released after it is closed; a lock whose process is gone is taken over.
 */
export interface DataDirLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isSafeInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(resolve(dataDir), 'lock');
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
          if (readOwner(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      const owner = readOwner(file);
      if (owner !== undefined && alive(owner) && owner !== process.pid) {
        throw new Error(`another Keelson process (pid ${owner}) is using ${resolve(dataDir)}; stop it or wait for it`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${resolve(dataDir)}: another process keeps taking it`);
}
