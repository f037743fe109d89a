import { ConfigError, loadConfig, redactedConfig } from '@keelson/kit/config';
import pino from 'pino';
import { adminApiClient } from '../adapters/cli/admin-api-client.ts';
import type { AdminOperations, CliCommands, MigrationOutcome } from '../adapters/cli/cli-commands.ts';
import { localAdminOperations } from '../adapters/cli/local-admin.ts';
import { type Config, configConflicts, configSpec } from '../config.ts';
import { build } from './build.ts';
import { adminTokenFor, findRunningServer } from './data-dir.ts';
import { paymentUpkeepOf } from './payment-upkeep.ts';
import { serve } from './serve.ts';

/** The CLI runs silently: its output is its result, not log lines. */
const silent = pino({ level: 'silent' });

/**
 * Without KEELSON_PSP_URL the provider is a simulator inside the process that holds its ledger.
 * On an embedded data directory no server holds, that is this process; on PostgreSQL a server
 * may be running its own on the same ledger, and a second one would charge behind its back.
 */
function providerProblem(config: Config): string | undefined {
  if (config.databaseUrl === undefined || config.pspUrl !== undefined) return undefined;
  return (
    'on PostgreSQL without KEELSON_PSP_URL the payment provider is the simulator inside the server; ' +
    'set KEELSON_PSP_URL, or use the server’s admin API (POST /admin/payments/reconcile, GET /admin/ledger/verify)'
  );
}

/** The data itself, through the composition root (PostgreSQL, or a data directory no server holds). */
async function local(config: Config, applyMigrations: boolean): Promise<AdminOperations> {
  const service = await build(config, { logger: silent, migrate: applyMigrations });
  return localAdminOperations({
    app: service.app,
    migrator: service.migrator,
    via: service.database,
    upkeep: paymentUpkeepOf(config),
    providerProblem: providerProblem(config),
    close: () => service.close('cli done'),
  });
}

/**
 * What the `keelson` CLI can do, over the configuration read from `env` (once, on first use,
 * so `help` and usage errors need no valid configuration).
 */
export function cliCommands(env: NodeJS.ProcessEnv): CliCommands {
  let config: Config | undefined;
  const configured = (): Config => {
    if (config !== undefined) return config;
    const loaded = loadConfig(configSpec, {
      env,
      file: env.KEELSON_CONFIG_FILE,
      ignoreUnknown: ['KEELSON_CONFIG_FILE'],
    });
    const conflicts = configConflicts(loaded);
    if (conflicts.length > 0) throw new ConfigError(conflicts);
    config = loaded;
    return loaded;
  };
  return {
    serve: (role, options) => serve(configured(), role, options),
    /**
     * A server database is shared safely by many processes, so the CLI opens it directly. An
     * embedded one admits one process: the running server's admin API is used when there is one.
     */
    admin: async ({ applyMigrations }) => {
      const current = configured();
      const server = current.databaseUrl === undefined ? findRunningServer(current.dataDir) : undefined;
      if (server !== undefined)
        return adminApiClient(server.adminUrl, adminTokenFor(current.dataDir, current.adminToken));
      return local(current, applyMigrations);
    },
    migrate: async (action, { yes }): Promise<MigrationOutcome> => {
      const current = configured();
      if (action === 'down' && current.databaseUrl !== undefined && !yes) {
        // Production schemas are forward-only; reverting one on a server drops data.
        throw new Error(
          "'migrate down' on a PostgreSQL server drops tables and their data; re-run with --yes if you mean it",
        );
      }
      const server = current.databaseUrl === undefined ? findRunningServer(current.dataDir) : undefined;
      if (server !== undefined) {
        // The server migrated on start and holds the only PGlite session.
        throw new Error(
          `a Keelson server (pid ${server.pid}) holds the embedded database; stop it before 'migrate ${action}'`,
        );
      }
      const service = await build(current, { logger: silent, migrate: false });
      try {
        if (action === 'up') {
          return { object: 'migration_result', action, applied: await service.migrator.up(), via: service.database };
        }
        const reverted = await service.migrator.down();
        return { object: 'migration_result', action, reverted: reverted ?? null, via: service.database };
      } finally {
        await service.close('cli done');
      }
    },
    printableConfig: () => redactedConfig(configSpec, configured()),
  };
}
