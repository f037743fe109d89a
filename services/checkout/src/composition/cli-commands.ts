import { ConfigError, loadConfig, redactedConfig } from '@keelson/kit/config';
import { createContext } from '@keelson/kit/context';
import pino from 'pino';
import { adminApiClient } from '../adapters/cli/admin-api-client.ts';
import type { AdminOperations, CliCommands, ListOptions, MigrationOutcome } from '../adapters/cli/cli-commands.ts';
import {
  keyListToWire,
  keyToWire,
  ledgerReportToWire,
  reconcileReportToWire,
  revokedKeyToWire,
  tenantListToWire,
  tenantToWire,
} from '../adapters/http/admin.wire.ts';
import { pageLimits } from '../app/page-limit.ts';
import { type Config, configConflicts, configSpec } from '../config.ts';
import { build, paymentUpkeepOf } from './build.ts';
import { adminTokenFor, findRunningServer } from './data-dir.ts';
import { serve } from './serve.ts';

/** The CLI runs silently: its output is its result, not log lines. */
const silent = pino({ level: 'silent' });

/** A context for one CLI operation: the same deadline discipline as a request. */
function operationContext() {
  return createContext({ requestId: `cli_${process.pid}`, timeoutMs: 30_000, logger: silent });
}

/** The page the use cases expect: the public lists' default size when none is asked for. */
function pageOf(options: ListOptions) {
  return {
    limit: options.limit ?? pageLimits.default,
    ...(options.startingAfter === undefined ? {} : { startingAfter: options.startingAfter }),
  };
}

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
  const { app } = service;
  const upkeep = paymentUpkeepOf(config);
  const withProvider = <T>(work: () => Promise<T>): Promise<T> => {
    const problem = providerProblem(config);
    return problem === undefined ? work() : Promise.reject(new Error(problem));
  };
  return {
    via: service.database,
    createTenant: async (name) => tenantToWire(await app.access.createTenant(operationContext(), { name })),
    listTenants: async (options) =>
      tenantListToWire(
        await app.access.listTenants(operationContext(), {
          ...pageOf(options),
          ...(options.name === undefined ? {} : { name: options.name }),
        }),
      ),
    listKeys: async (options) =>
      keyListToWire(
        await app.access.listApiKeys(operationContext(), {
          ...pageOf(options),
          ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
        }),
      ),
    createKey: async (tenantId, scopes) =>
      keyToWire(await app.access.createApiKey(operationContext(), { tenantId, scopes })),
    revokeKey: async (id) => revokedKeyToWire(await app.access.revokeApiKey(operationContext(), { keyId: id })),
    migrationStatus: () => service.migrator.status(),
    reconcilePayments: (options) =>
      withProvider(async () =>
        reconcileReportToWire(
          await app.commands.reconcilePayments(operationContext(), { ...upkeep.reconcile, ...options }),
        ),
      ),
    verifyLedger: () =>
      withProvider(async () =>
        ledgerReportToWire(
          await app.queries.verifyLedger(operationContext(), { pendingOlderThanMs: upkeep.overdueAfterMs }),
        ),
      ),
    close: () => service.close('cli done'),
  };
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
