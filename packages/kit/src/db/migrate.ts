import Postgrator from 'postgrator';
import type { Database, Session } from './database.ts';

export interface MigrationStatus {
  readonly current: number;
  readonly latest: number;
  readonly pending: readonly { readonly version: number; readonly name: string }[];
}

export interface Migrator {
  /** Applies every pending migration; returns the versions applied. */
  up(): Promise<number[]>;
  /** Reverts the latest applied migration (development only); returns the version reverted. */
  down(): Promise<number | undefined>;
  status(): Promise<MigrationStatus>;
}

// Any fixed 64-bit key works; it serializes concurrent migrators (several replicas starting at once).
const migrationLockKey = 7_244_091_823;

async function withMigrator<T>(
  db: Database,
  directory: string,
  work: (postgrator: Postgrator) => Promise<T>,
): Promise<T> {
  return db.session(async (session: Session) => {
    const [row] = (await session.query<{ name: string }>('SELECT current_database() AS name')).rows;
    const postgrator = new Postgrator({
      migrationPattern: `${directory}/*.sql`,
      driver: 'pg',
      database: row?.name ?? 'postgres',
      schemaTable: 'schema_migrations',
      execQuery: (sql: string) => session.query(sql),
      execSqlScript: (sql: string) => session.runScript(sql),
    });
    await session.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      return await work(postgrator);
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    }
  });
}

/**
 * Numbered SQL migrations (`001.do.name.sql` / `001.undo.name.sql`) applied by postgrator,
 * the same files on PostgreSQL and PGlite.
 */
export function createMigrator(db: Database, directory: string): Migrator {
  return {
    up: () => withMigrator(db, directory, async (p) => (await p.migrate('max')).map((m) => m.version)),
    down: () =>
      withMigrator(db, directory, async (p) => {
        const current = await p.getDatabaseVersion();
        if (current === 0) return undefined;
        const versions = (await p.getMigrations()).map((m) => m.version).filter((v) => v < current);
        await p.migrate(String(Math.max(0, ...versions)));
        return current;
      }),
    status: () =>
      withMigrator(db, directory, async (p) => {
        const current = await p.getDatabaseVersion();
        const migrations = (await p.getMigrations()).filter((m) => m.action === 'do');
        const latest = Math.max(0, ...migrations.map((m) => m.version));
        const pending = migrations
          .filter((m) => m.version > current)
          .sort((a, b) => a.version - b.version)
          .map((m) => ({ version: m.version, name: m.name }));
        return { current, latest, pending };
      }),
  };
}
