import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import { createMigrator, createPgDatabase, createPgliteDatabase, type Database } from '@keelson/kit/db';
import pg from 'pg';
import { testConnectTimeoutMs } from '../../../../packages/kit/test/support/test-databases.ts';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';

/**
 * The backends every data test runs against: embedded PGlite always, real PostgreSQL when
 * KEELSON_TEST_DATABASE_URL is set. With KEELSON_TEST_REQUIRE_SERVICES=1 an unset or
 * unreachable URL fails loudly instead of skipping.
 */
export interface Backend {
  readonly name: 'pglite' | 'postgres';
  /**
   * A fresh, migrated database, dropped by an `after` hook registered where `open()` is
   * called. Call it from a test body, not from a `before` hook: node:test binds `after()`
   * to the running hook, which would drop the database as soon as the hook returns.
   */
  open(): Promise<TestDatabase>;
  /**
   * Like `open()`, but registers no hook: the caller disposes it. Use this to share one
   * database across a suite (`before` creates it, the suite's `after` disposes it).
   */
  create(): Promise<OwnedTestDatabase>;
}

export interface TestDatabase {
  readonly db: Database;
  /** Connection string for a server process (postgres backend only). */
  readonly url: string | undefined;
}

export interface OwnedTestDatabase extends TestDatabase {
  /** Closes the connections and drops the database; safe to call more than once. */
  dispose(): Promise<void>;
}

const serverUrl = process.env.KEELSON_TEST_DATABASE_URL;
const required = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';

async function createServerDatabase(adminUrl: string): Promise<OwnedTestDatabase> {
  const name = `keelson_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: testConnectTimeoutMs });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createPgDatabase({ url: url.toString(), maxConnections: 20, connectTimeoutMs: testConnectTimeoutMs });
  const dispose = once(async () => {
    await db.close();
    const cleanup = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: testConnectTimeoutMs });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await cleanup.end();
  });
  try {
    await createMigrator(db, migrationsDir).up();
  } catch (error) {
    await dispose();
    throw error;
  }
  return { db, url: url.toString(), dispose };
}

async function createEmbeddedDatabase(): Promise<OwnedTestDatabase> {
  const db = await createPgliteDatabase({});
  const dispose = once(() => db.close());
  try {
    await createMigrator(db, migrationsDir).up();
  } catch (error) {
    await dispose();
    throw error;
  }
  return { db, url: undefined, dispose };
}

function once(work: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= work();
    return done;
  };
}

/** `open()` semantics: the database lives until the test (or suite) calling it ends. */
function openedUntilAfter(create: () => Promise<OwnedTestDatabase>): () => Promise<TestDatabase> {
  return async () => {
    const database = await create();
    after(() => database.dispose());
    return { db: database.db, url: database.url };
  };
}

export function backends(): Backend[] {
  const list: Backend[] = [
    { name: 'pglite', open: openedUntilAfter(createEmbeddedDatabase), create: createEmbeddedDatabase },
  ];
  if (serverUrl) {
    const create = () => createServerDatabase(serverUrl);
    list.push({ name: 'postgres', open: openedUntilAfter(create), create });
  } else if (required) throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_DATABASE_URL is not set');
  return list;
}

/** The real-server backend, or undefined when not configured (tests then skip with a reason). */
export function serverBackend(): Backend | undefined {
  return backends().find((b) => b.name === 'postgres');
}
