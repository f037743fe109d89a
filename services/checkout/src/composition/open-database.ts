import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMigrator, createPgDatabase, createPgliteDatabase, type Database, type Migrator } from '@keelson/kit/db';
import type { Logger } from 'pino';
import { migrationsDir } from '../adapters/postgres/migrations-dir.ts';
import type { Config } from '../config.ts';
import { lockDataDir } from './data-dir-lock.ts';

export interface OpenedDatabase {
  readonly db: Database;
  readonly migrator: Migrator;
  /** Human description for logs and CLI output (never includes credentials). */
  readonly description: string;
}

/** PostgreSQL when KEELSON_DATABASE_URL is set, else embedded PGlite under the data directory. */
export async function openDatabase(config: Config, logger?: Logger): Promise<OpenedDatabase> {
  if (config.databaseUrl !== undefined) {
    const url = new URL(config.databaseUrl);
    const db = createPgDatabase({
      url: config.databaseUrl,
      maxConnections: config.databasePoolMax,
      applicationName: 'keelson',
      onIdleClientError: (error) =>
        logger?.warn({ err: error }, 'idle database connection failed; it will be replaced'),
    });
    return {
      db,
      migrator: createMigrator(db, migrationsDir),
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
    };
  }
  mkdirSync(resolve(config.dataDir), { recursive: true });
  const lock = lockDataDir(config.dataDir);
  const dataDir = resolve(config.dataDir, 'pgdata');
  let pglite: Database;
  try {
    pglite = await createPgliteDatabase({ dataDir });
  } catch (error) {
    lock.release();
    throw error;
  }
  // Closing the database also gives the data directory back to other processes.
  const db: Database = {
    ...pglite,
    async close() {
      await pglite.close();
      lock.release();
    },
  };
  return { db, migrator: createMigrator(db, migrationsDir), description: `embedded PGlite in ${dataDir}` };
}
