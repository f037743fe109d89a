import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { createMigrator, createPgDatabase, createPgliteDatabase, type Database } from '@keelson/kit/db';
import pg from 'pg';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';

/**
 * The backends every data test runs against: embedded PGlite always, real PostgreSQL when
 * KEELSON_TEST_DATABASE_URL is set. With KEELSON_TEST_REQUIRE_SERVICES=1 an unset or
 * unreachable URL fails loudly instead of skipping.
 */
export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /** A fresh, migrated database owned by the calling test file; dropped after it. */
  open(): Promise<TestDatabase>;
}

export interface TestDatabase {
  readonly db: Database;
  /** Connection string for a server process (postgres backend only). */
  readonly url: string | undefined;
}

const serverUrl = process.env.KEELSON_TEST_DATABASE_URL;
const required = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';

async function createServerDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `keelson_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createPgDatabase({ url: url.toString(), maxConnections: 20 });
  await createMigrator(db, migrationsDir).up();
  after(async () => {
    await db.close();
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  });
  return { db, url: url.toString() };
}

async function createEmbeddedDatabase(): Promise<TestDatabase> {
  const db = await createPgliteDatabase({});
  await createMigrator(db, migrationsDir).up();
  after(() => db.close());
  return { db, url: undefined };
}

export function backends(): Backend[] {
  const list: Backend[] = [{ name: 'pglite', open: createEmbeddedDatabase }];
  if (serverUrl) list.push({ name: 'postgres', open: () => createServerDatabase(serverUrl) });
  else if (required) throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_DATABASE_URL is not set');
  return list;
}

/** The real-server backend, or undefined when not configured (tests then skip with a reason). */
export function serverBackend(): Backend | undefined {
  return backends().find((b) => b.name === 'postgres');
}
