import { createContext } from '@keelson/kit/context';
import type { MigrationStatus } from '@keelson/kit/db';
import pino from 'pino';
import { keyToWire, revokedKeyToWire, tenantToWire } from '../adapters/http/admin.wire.ts';
import type { Scope } from '../app/ports.ts';
import type { Config } from '../config.ts';
import { buildCheckoutApplication } from './build-application.ts';
import { adminTokenFor, findRunningServer } from './embedded-state.ts';
import { openDatabase } from './open-database.ts';

type Wire = Record<string, unknown>;

/** What the CLI can do to tenants and keys, wherever the data lives. */
export interface AdminOperations {
  /** Says how the CLI reached the data, for the user. */
  readonly via: string;
  createTenant(name: string): Promise<Wire>;
  createKey(tenantId: string, scopes: readonly Scope[]): Promise<Wire>;
  revokeKey(id: string): Promise<Wire>;
  migrationStatus(): Promise<MigrationStatus>;
  close(): Promise<void>;
}

/** A failure answered by the admin API, keeping its problem `code` for the CLI's output. */
export class AdminApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function remote(adminUrl: string, token: string): AdminOperations {
  async function call(method: string, path: string, body?: unknown): Promise<Wire> {
    const response = await fetch(`${adminUrl}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    // The admin API answers JSON objects: resources on success, problem documents on failure.
    const json = (await response.json()) as Wire;
    if (!response.ok)
      throw new AdminApiError(String(json.code ?? response.status), String(json.detail ?? response.statusText));
    return json;
  }
  return {
    via: `the running server's admin API at ${adminUrl}`,
    createTenant: (name) => call('POST', '/tenants', { name }),
    createKey: (tenantId, scopes) => call('POST', '/keys', { tenant_id: tenantId, scopes }),
    revokeKey: (id) => call('POST', `/keys/${encodeURIComponent(id)}/revoke`),
    // The route answers MigrationStatus as JSON.
    migrationStatus: async () => (await call('GET', '/migrations')) as unknown as MigrationStatus,
    close: async () => {},
  };
}

/** A context for one CLI operation: the same deadline discipline as a request. */
function operationContext() {
  return createContext({ requestId: `cli_${process.pid}`, timeoutMs: 30_000, logger: pino({ level: 'silent' }) });
}

async function local(config: Config, applyMigrations: boolean): Promise<AdminOperations> {
  const { db, migrator, description } = await openDatabase(config);
  try {
    if (applyMigrations) await migrator.up();
  } catch (error) {
    await db.close();
    throw error;
  }
  const app = buildCheckoutApplication(db, config);
  return {
    via: description,
    createTenant: async (name) => tenantToWire(await app.access.createTenant(operationContext(), { name })),
    createKey: async (tenantId, scopes) =>
      keyToWire(await app.access.createApiKey(operationContext(), { tenantId, scopes })),
    revokeKey: async (id) => revokedKeyToWire(await app.access.revokeApiKey(operationContext(), { keyId: id })),
    migrationStatus: () => migrator.status(),
    close: () => db.close(),
  };
}

/**
 * A server database is shared safely by many processes, so the CLI opens it directly. An
 * embedded database admits one process: use the running server's admin API when there is one.
 * Opening the database directly applies pending migrations first (as the server does on start),
 * unless the caller only inspects them.
 */
export async function adminOperations(config: Config, options = { applyMigrations: true }): Promise<AdminOperations> {
  if (config.databaseUrl === undefined) {
    const server = findRunningServer(config.dataDir);
    if (server) return remote(server.adminUrl, adminTokenFor(config.dataDir, config.adminToken));
  }
  return local(config, options.applyMigrations);
}
