import { resolve } from 'node:path';
import { createMigrator, createPgDatabase, createPgliteDatabase, type Database, type Migrator } from '@keelson/kit/db';
import { AppError, isAppError } from '@keelson/kit/errors';
import type { Logger } from 'pino';
import { migrationsDir } from '../adapters/postgres/migrations-dir.ts';
import type { Config } from '../config.ts';
import { lockDataDir } from './data-dir.ts';

export interface OpenedDatabase {
  readonly db: Database;
  readonly migrator: Migrator;
  /** Human description for logs and CLI output (never includes credentials). */
  readonly description: string;
}

/**
 * PostgreSQL when KEELSON_DATABASE_URL is set, else embedded PGlite under the data directory.
 * The caller owns what this opens: `db.close()` also releases the data directory's lock.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<OpenedDatabase> {
  if (config.databaseUrl !== undefined) {
    const url = new URL(config.databaseUrl);
    const db = createPgDatabase({
      url: config.databaseUrl,
      maxConnections: config.databasePoolMax,
      applicationName: 'keelson',
      onIdleClientError: (error) => logger.warn({ err: error }, 'idle database connection failed; it will be replaced'),
    });
    return {
      db,
      migrator: createMigrator(db, migrationsDir),
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
    };
  }
  const lock = lockDataDir(config.dataDir);
  const dataDir = resolve(config.dataDir, 'pgdata');
  let pglite: Database;
  try {
    pglite = await createPgliteDatabase({ dataDir });
  } catch (error) {
    lock.release();
    throw error;
  }
  const db: Database = {
    ...pglite,
    async close() {
      await pglite.close();
      lock.release();
    },
  };
  return { db, migrator: createMigrator(db, migrationsDir), description: `embedded PGlite in ${dataDir}` };
}

/**
 * "The database is unavailable." names nothing an operator can act on: at start-up, say which
 * database and what failed (the description never holds credentials; the driver's message
 * names host, port or user at most).
 */
export function explainUnavailable(error: unknown, description: string): unknown {
  if (!isAppError(error) || error.code !== 'database_unavailable') return error;
  const cause = error.cause instanceof Error ? error.cause.message : 'no answer';
  return new AppError(error.kind, error.code, `${description} is unavailable: ${cause}`, { cause: error });
}
