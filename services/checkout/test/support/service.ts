import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { loadConfig } from '@keelson/kit/config';
import { createMigrator } from '@keelson/kit/db';
import createClient, { type Client } from 'openapi-fetch';
import pino from 'pino';
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
  /** A client with no credentials (or the given raw Authorization header). */
  client(authorization?: string): ApiClient;
  /** A fresh tenant with a key of the given scopes (default read+write), via the admin API. */
  newTenant(scopes?: readonly string[]): Promise<TestTenant>;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * The whole service in-process on ephemeral ports, over the backend's database: requests go
 * through real HTTP, the full chassis and the real repositories. Stopped after the test file.
 */
export async function startTestService(
  backend: Backend,
  env: Record<string, string> = {},
): Promise<TestService & { stop(): Promise<void> }> {
  const database = await backend.create();
  const adminToken = randomBytes(24).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'keelson-test-'));
  const config = loadConfig(configSpec, {
    env: {
      KEELSON_HTTP_PORT: '0',
      KEELSON_ADMIN_PORT: '0',
      KEELSON_DATA_DIR: dataDir,
      KEELSON_ADMIN_TOKEN: adminToken,
      KEELSON_LOG_LEVEL: 'silent',
      ...env,
    },
  });
  const service = await build(config, {
    database: { db: database.db, migrator: createMigrator(database.db, migrationsDir), description: backend.name },
    logger: pino({ level: 'silent' }),
    role: 'all',
  });
  const { servers } = service;
  const apiAddress = servers.apiAddress ?? assert.fail('the all role serves the API');

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
    async stop() {
      await service.close('test finished');
      await database.dispose();
      rmSync(dataDir, { recursive: true, force: true });
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
export function useTestService(backend: Backend, env: Record<string, string> = {}): () => TestService {
  let service: (TestService & { stop(): Promise<void> }) | undefined;
  before(async () => {
    service = await startTestService(backend, env);
  });
  after(() => service?.stop());
  return () => service ?? assert.fail(`the service on ${backend.name} did not start`);
}
