import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPgDatabase, createPgliteDatabase, type Database } from '../../src/db/index.ts';

/**
 * The engines a kit data test runs on: embedded PGlite always, real PostgreSQL when
 * KEELSON_TEST_DATABASE_URL is set (each database created for the caller, `keelson_test_<hex>`,
 * and dropped by `dispose`). With KEELSON_TEST_REQUIRE_SERVICES=1 an unset URL fails loudly.
 * Databases start empty: the test creates what it needs (the kit has no migrations of its own).
 */
export interface TestEngine {
  readonly name: 'pglite' | 'postgres';
  create(setupSql: string): Promise<OwnedDatabase>;
}

export interface OwnedDatabase {
  readonly db: Database;
  /** Closes the connections and drops the database; safe to call more than once. */
  dispose(): Promise<void>;
}

const serverUrl = process.env.KEELSON_TEST_DATABASE_URL || undefined;
const required = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';

export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [{ name: 'pglite', create: createEmbedded }];
  if (serverUrl !== undefined) engines.push({ name: 'postgres', create: (sql) => createOnServer(serverUrl, sql) });
  else if (required) throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_DATABASE_URL is not set');
  return engines;
}

async function createEmbedded(setupSql: string): Promise<OwnedDatabase> {
  const db = await createPgliteDatabase({});
  const dispose = once(() => db.close());
  await setUp(db, setupSql, dispose);
  return { db, dispose };
}

/**
 * How long a test waits to open a connection to its own database. The service's 2 s default
 * suits production; on a loaded two-core CI host, a connection to a database created a moment
 * earlier has taken longer than that (CI, 2026-12-07), which failed a suite before any test ran.
 */
export const testConnectTimeoutMs = 15_000;

async function createOnServer(adminUrl: string, setupSql: string): Promise<OwnedDatabase> {
  const name = `keelson_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createPgDatabase({ url: url.toString(), maxConnections: 25, connectTimeoutMs: testConnectTimeoutMs });
  const dispose = once(async () => {
    await db.close();
    await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  await setUp(db, setupSql, dispose);
  return { db, dispose };
}

async function setUp(db: Database, sql: string, dispose: () => Promise<void>): Promise<void> {
  try {
    await db.session((session) => session.runScript(sql));
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function withAdmin(url: string, work: (admin: pg.Client) => Promise<unknown>): Promise<void> {
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: testConnectTimeoutMs });
  await admin.connect();
  try {
    await work(admin);
  } finally {
    await admin.end();
  }
}

function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= work();
    return done;
  };
}
