import type { Config } from '../config.ts';
import { adminOperations } from './admin-operations.ts';
import { findRunningServer } from './embedded-state.ts';
import { openDatabase } from './open-database.ts';

function print(json: boolean, out: Record<string, unknown>, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${text}\n`);
}

/** `keelson migrate up|down|status`. */
export async function migrate(
  config: Config,
  action: 'up' | 'down' | 'status',
  options: { json: boolean; yes: boolean },
): Promise<number> {
  const { json } = options;
  if (action === 'down' && config.databaseUrl !== undefined && !options.yes) {
    // Production schemas are forward-only; reverting one on a server drops data.
    throw new Error(
      "'migrate down' on a PostgreSQL server drops tables and their data; re-run with --yes if you mean it",
    );
  }
  const embeddedServer = config.databaseUrl === undefined ? findRunningServer(config.dataDir) : undefined;
  if (embeddedServer && action !== 'status') {
    // The server migrated on start and holds the only PGlite session.
    throw new Error(
      `a Keelson server (pid ${embeddedServer.pid}) holds the embedded database; stop it before 'migrate ${action}'`,
    );
  }
  if (action === 'status') {
    const ops = await adminOperations(config, { applyMigrations: false });
    try {
      const status = await ops.migrationStatus();
      const pending = status.pending.map((m) => `${m.version} ${m.name}`).join(', ') || 'none';
      print(
        json,
        { object: 'migration_status', ...status, via: ops.via },
        `Schema version ${status.current} of ${status.latest}; pending: ${pending} (via ${ops.via})`,
      );
      return 0;
    } finally {
      await ops.close();
    }
  }
  const { db, migrator, description } = await openDatabase(config);
  try {
    if (action === 'up') {
      const applied = await migrator.up();
      print(
        json,
        { object: 'migration_result', action, applied, via: description },
        applied.length === 0
          ? `Schema already current (${description})`
          : `Applied migrations ${applied.join(', ')} to ${description}`,
      );
    } else {
      const reverted = await migrator.down();
      print(
        json,
        { object: 'migration_result', action, reverted: reverted ?? null, via: description },
        reverted === undefined
          ? `Nothing to revert in ${description}`
          : `Reverted migration ${reverted} in ${description}`,
      );
    }
    return 0;
  } finally {
    await db.close();
  }
}
