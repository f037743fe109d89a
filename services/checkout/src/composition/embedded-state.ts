import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Files in the data directory that let the CLI find a running embedded server: PGlite admits
 * one process, so while a server holds the data the CLI must go through its admin API.
 */
export interface RunningServer {
  readonly pid: number;
  readonly adminUrl: string;
}

function path(dataDir: string, name: string): string {
  return join(resolve(dataDir), name);
}

/** The admin token: from config, else read or created (mode 0600) in the data directory. */
export function adminTokenFor(dataDir: string, configured: string | undefined): string {
  if (configured !== undefined) return configured;
  const file = path(dataDir, 'admin-token');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(resolve(dataDir), { recursive: true });
    const token = randomBytes(32).toString('base64url');
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  }
}

export function recordRunningServer(dataDir: string, server: RunningServer): void {
  writeFileSync(path(dataDir, 'server.json'), `${JSON.stringify(server)}\n`, { mode: 0o600 });
}

export function clearRunningServer(dataDir: string): void {
  rmSync(path(dataDir, 'server.json'), { force: true });
}

/** The server recorded in the data directory, if its process is still alive. */
export function findRunningServer(dataDir: string): RunningServer | undefined {
  let server: RunningServer;
  try {
    // Written by recordRunningServer above; a malformed file is treated as absent below.
    server = JSON.parse(readFileSync(path(dataDir, 'server.json'), 'utf8')) as RunningServer;
  } catch {
    return undefined;
  }
  if (typeof server.pid !== 'number' || typeof server.adminUrl !== 'string') return undefined;
  try {
    process.kill(server.pid, 0);
    return server;
  } catch {
    return undefined;
  }
}
