import { createContext } from '@keelson/kit/context';
import type { Database } from '@keelson/kit/db';
import { createHealthChecks, registerHealthRoutes } from '@keelson/kit/health';
import { createHttpServer } from '@keelson/kit/http';
import { createAdminServer, createShutdown, type Shutdown } from '@keelson/kit/lifecycle';
import { createLogger } from '@keelson/kit/logging';
import { createMetrics, registerPoolGauges } from '@keelson/kit/metrics';
import type { Logger } from 'pino';
import { registerAdminApi } from '../adapters/http/admin.http.ts';
import { registerApi } from '../adapters/http/api.ts';
import { createAccessPgRepository } from '../adapters/postgres/access.pg-repository.ts';
import type { Config } from '../config.ts';
import { serviceVersion } from '../version.ts';
import { buildCheckoutApplication } from './build-application.ts';
import { adminTokenFor, clearRunningServer, recordRunningServer } from './embedded-state.ts';
import { type OpenedDatabase, openDatabase } from './open-database.ts';
import { type DemoCredentials, seedDemoTenant } from './seed-demo.ts';

export interface RunningService {
  readonly apiAddress: string;
  readonly adminAddress: string;
  readonly database: string;
  /** Present on the first start of an embedded data directory only. */
  readonly demo: DemoCredentials | undefined;
  readonly shutdown: Shutdown;
}

export interface StartOptions {
  /** Tests pass an already-open database (shared PGlite, fresh PostgreSQL database). */
  readonly database?: OpenedDatabase;
  readonly logger?: Logger;
}

/**
 * Start-up in dependency order: database → migrations → application → admin server →
 * API server. The returned `shutdown` drains and closes in reverse order. Whatever fails on
 * the way closes what was already opened, so a failed start never leaves the process hanging.
 */
export async function startService(config: Config, options: StartOptions = {}): Promise<RunningService> {
  const logger =
    options.logger ?? createLogger({ level: config.logLevel, base: { service: 'checkout', version: serviceVersion } });
  const opened = options.database ?? (await openDatabase(config, logger));
  try {
    const applied = await opened.migrator.up();
    logger.info({ database: opened.description, applied }, 'database ready');
    return await startOn(opened, config, logger, options.database === undefined && config.databaseUrl === undefined);
  } catch (error) {
    // A database the caller passed in is the caller's to close.
    if (options.database === undefined) await opened.db.close();
    throw error;
  }
}

async function startOn(
  opened: OpenedDatabase,
  config: Config,
  logger: Logger,
  embedded: boolean,
): Promise<RunningService> {
  const { db, migrator, description } = opened;
  const app = buildCheckoutApplication(db, config);
  const metrics = createMetrics();
  registerPoolGauges(metrics, 'database', () => db.stats());
  const health = createHealthChecks({ timeoutMs: 1_000 });
  health.add('database', () => db.ping(1_000));

  const timeouts = {
    headersTimeoutMs: config.headersTimeoutMs,
    defaultTimeoutMs: config.requestTimeoutMs,
    maxTimeoutMs: config.maxRequestTimeoutMs,
  };
  const admin = createAdminServer({ logger, metrics, health, http: timeouts });
  const adminToken = adminTokenFor(config.dataDir, config.adminToken);
  await registerAdminApi(admin, { app, migrator, adminToken });
  const api = createHttpServer({ ...timeouts, logger, metrics });
  await registerApi(api, app, { version: serviceVersion });
  // Health on the API port too, for load balancers that can only probe the serving port.
  registerHealthRoutes(api, health);

  const shutdown = createShutdown({
    logger,
    drainTimeoutMs: config.shutdownTimeoutMs,
    servers: [api],
    health,
    closers: [
      { name: 'database', close: () => db.close() },
      {
        name: 'embedded-state',
        close: async () => {
          if (embedded) clearRunningServer(config.dataDir);
        },
      },
      { name: 'admin', close: () => admin.close() },
    ],
  });
  let adminAddress: string;
  let apiAddress: string;
  try {
    adminAddress = await admin.listen({ host: config.host, port: config.adminPort });
    apiAddress = await api.listen({ host: config.host, port: config.httpPort });
  } catch (error) {
    // A taken port must not leave the pool or PGlite open (the process would never exit).
    await shutdown.shutdown('start-up failed');
    throw error;
  }
  if (embedded) recordRunningServer(config.dataDir, { pid: process.pid, adminUrl: adminAddress });
  // Only once both ports are ours: a demo key created by a start that then failed would never be shown.
  const demo = embedded ? await seedDemo(app, db, logger) : undefined;
  return { apiAddress, adminAddress, database: description, demo, shutdown };
}

function seedDemo(app: ReturnType<typeof buildCheckoutApplication>, db: Database, logger: Logger) {
  const ctx = createContext({ requestId: 'startup', timeoutMs: 10_000, logger });
  return seedDemoTenant(ctx, app, () => createAccessPgRepository(db).countTenants(ctx));
}
