import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { loadConfig } from '@keelson/kit/config';
import { createMigrator } from '@keelson/kit/db';
import { type PspSim, startPspSim } from '@keelson/psp-sim';
import createClient, { type Client } from 'openapi-fetch';
import pino from 'pino';
import type { Role } from '../../src/adapters/cli/cli-commands.ts';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';
import { build } from '../../src/composition/build.ts';
import { configSpec } from '../../src/config.ts';
import type { paths } from '../generated/checkout-api.ts';
import type { Backend, TestDatabase } from './databases.ts';

export type ApiClient = Client<paths>;

export interface TestTenant {
  readonly tenantId: string;
  readonly token: string;
  /** Typed client generated from /openapi.json, authenticated as this tenant. */
  readonly api: ApiClient;
}

export interface TestService {
  readonly apiUrl: string;
  readonly adminUrl: string;
  readonly database: TestDatabase;
  /** The service's KEELSON_DATA_DIR, a temporary directory removed by `stop()`. */
  readonly dataDir: string;
  /** The admin port's bearer token (the admin API and /debug/pprof). */
  readonly adminToken: string;
  /** A client with no credentials (or the given raw Authorization header). */
  client(authorization?: string): ApiClient;
  /** A fresh tenant with a key of the given scopes (default read+write), via the admin API. */
  newTenant(scopes?: readonly string[]): Promise<TestTenant>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * The whole service in-process on ephemeral ports. Role `api` unless asked: the API tests see
 * orders exactly as the API left them, with no worker (fulfillment) moving them on; the event
 * tests ask for `all`.
 *
 * Over the backend's database: requests go
 * through real HTTP, the full chassis and the real repositories. Stopped after the test file.
 */
export async function startTestService(
  backend: Backend,
  env: Record<string, string> = {},
  role: Role = 'api',
  /** A database another service of the test uses too (two instances): the caller disposes it. */
  shared?: TestDatabase,
): Promise<TestService & { stop(): Promise<void> }> {
  const database = shared === undefined ? await backend.create() : { ...shared, dispose: async () => {} };
  const adminToken = randomBytes(24).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'keelson-test-'));
  const removeDataDir = () => rmSync(dataDir, { recursive: true, force: true });
  const opened = async () => {
    const config = loadConfig(configSpec, {
      env: {
        KEELSON_HTTP_PORT: '0',
        KEELSON_ADMIN_PORT: '0',
        KEELSON_DATA_DIR: dataDir,
        KEELSON_ADMIN_TOKEN: adminToken,
        KEELSON_LOG_LEVEL: 'silent',
        // Suites share one key across many requests on a loaded machine: limits and shedding
        // have their own tests (test/api/limits.api.test.ts), which set these themselves.
        KEELSON_RATE_LIMIT_RATE: '1000000',
        KEELSON_RATE_LIMIT_BURST: '1000000',
        KEELSON_RATE_LIMIT_CONCURRENCY: '100000',
        KEELSON_SHED_ENABLED: 'false',
        ...env,
      },
    });
    return build(config, {
      database: { db: database.db, migrator: createMigrator(database.db, migrationsDir), description: backend.name },
      logger: pino({ level: 'silent' }),
      role,
    });
  };
  const service = await opened().catch(async (error: unknown) => {
    // build() closed what it had opened; the database and the directory are still ours to drop.
    await database.dispose();
    removeDataDir();
    throw error;
  });
  const { servers } = service;
  const apiAddress = servers.apiAddress ?? assert.fail('the test service serves the API (role api or all)');

  const client = (authorization?: string) =>
    createClient<paths>({
      baseUrl: apiAddress,
      headers: authorization === undefined ? {} : { authorization },
    });

  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${servers.adminAddress}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // The admin API always answers a JSON object (resource or problem).
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  return {
    apiUrl: apiAddress,
    adminUrl: servers.adminAddress,
    database,
    dataDir,
    adminToken,
    async stop() {
      try {
        // Closes the in-process simulator too, when there is one (its journal is under dataDir).
        await service.close('test finished');
      } finally {
        await database.dispose();
        removeDataDir();
      }
    },
    client,
    admin,
    async newTenant(scopes = ['read', 'write']) {
      const tenant = await admin('POST', '/tenants', { name: `t-${randomBytes(4).toString('hex')}` });
      const key = await admin('POST', '/keys', { tenant_id: tenant.body.id, scopes });
      const token = String(key.body.token);
      return { tenantId: String(tenant.body.id), token, api: client(`Bearer ${token}`) };
    },
  };
}

/**
 * Call in a `describe` body: starts one service for the suite in `before`, stops it (and drops
 * its database) in the suite's `after`. Returns an accessor for the tests.
 */
export function useTestService(
  backend: Backend,
  env: Record<string, string> = {},
  role: Role = 'api',
): () => TestService {
  let service: (TestService & { stop(): Promise<void> }) | undefined;
  before(async () => {
    service = await startTestService(backend, env, role);
  });
  after(() => service?.stop());
  return () => service ?? assert.fail(`the service on ${backend.name} did not start`);
}

export interface TestServiceWithPsp extends TestService {
  /**
   * The payment-provider simulator this suite owns (memory ledger), passed to the service as
   * KEELSON_PSP_URL: tests set faults, read the ledger and count calls on `psp.url`/sim/….
   */
  readonly psp: PspSim;
}

/**
 * `useTestService` with a psp-sim the suite starts first and closes last, so a test can set
 * faults on the provider and read its ledger. `env` may not set KEELSON_PSP_URL.
 */
export function useTestServiceWithPsp(
  backend: Backend,
  env: Record<string, string> = {},
  role: Role = 'api',
): () => TestServiceWithPsp {
  let psp: PspSim | undefined;
  let service: (TestService & { stop(): Promise<void> }) | undefined;
  before(async () => {
    psp = await startPspSim();
    service = await startTestService(backend, { ...env, KEELSON_PSP_URL: psp.url }, role);
  });
  after(async () => {
    try {
      await service?.stop();
    } finally {
      await psp?.close();
    }
  });
  return () => {
    if (service === undefined || psp === undefined) assert.fail(`the service on ${backend.name} did not start`);
    return { ...service, psp };
  };
}
