import { createContext } from '@keelson/kit/context';
import { type Database, type Migrator, traceDatabase } from '@keelson/kit/db';
import { createHealthChecks, registerHealthRoutes } from '@keelson/kit/health';
import { createHttpServer } from '@keelson/kit/http';
import { createPgIdempotencyStore } from '@keelson/kit/idempotency';
import { createIdGenerator, type IdGenerator } from '@keelson/kit/ids';
import { type Closer, closeInReverse, createAdminServer, createShutdown, type Shutdown } from '@keelson/kit/lifecycle';
import { createModuleLoggers, type LogDestinationStats, type ModuleLoggers } from '@keelson/kit/logging';
import {
  createMetrics,
  registerCacheMetrics,
  registerLogCounters,
  registerPolicyMetrics,
  registerPoolGauges,
} from '@keelson/kit/metrics';
import { notifyingOutboxWrites } from '@keelson/kit/outbox';
import { createProfiler } from '@keelson/kit/profiling';
import { createTracing, type Tracing } from '@keelson/kit/telemetry';
import type { Logger } from 'pino';
import { cachedProducts, stockInvalidatingOrders } from '../adapters/cache/product.cached-repository.ts';
import type { Role } from '../adapters/cli/cli-commands.ts';
import { createSimulatedShipping } from '../adapters/events/simulated-shipping.ts';
import { registerAdminApi } from '../adapters/http/admin.http.ts';
import { registerApi } from '../adapters/http/api.ts';
import { createAccessPgRepository } from '../adapters/postgres/access.pg-repository.ts';
import { createDeadLetterPgRepository } from '../adapters/postgres/dead-letter.pg-repository.ts';
import { createLedgerPgReader } from '../adapters/postgres/ledger.pg-reader.ts';
import { createOrderPgRepository } from '../adapters/postgres/order.pg-repository.ts';
import { createOutboxAdmin } from '../adapters/postgres/outbox-admin.ts';
import { createPaymentPgRepository } from '../adapters/postgres/payment.pg-repository.ts';
import { createProductPgRepository } from '../adapters/postgres/product.pg-repository.ts';
import { type Application, buildApplication } from '../app/application.ts';
import type { Config } from '../config.ts';
import { serviceVersion } from '../version.ts';
import { type Caching, openCaching } from './caching.ts';
import { adminTokenFor, recordRunningServer } from './data-dir.ts';
import { deadLetterReplayers } from './dead-letters.ts';
import { startEventFlow } from './events.ts';
import { type FlagCheck, openFlags, pricingByFlag } from './flags.ts';
import { httpDurationBuckets } from './http-buckets.ts';
import { startJobs } from './jobs.ts';
import { openApiLimits } from './limits.ts';
import { type LogModule, logModules } from './log-modules.ts';
import { explainUnavailable, type OpenedDatabase, openDatabase } from './open-database.ts';
import { paymentUpkeepOf } from './payment-upkeep.ts';
import { lazyProvider, openProvider } from './provider.ts';
import { type DemoCredentials, seedDemoTenant } from './seed-demo.ts';
import { openWebhooks, type Webhooks } from './webhooks.ts';

export interface BuildOptions {
  readonly logger: Logger;
  /** An open database the caller owns (tests): used, never closed here. */
  readonly database?: OpenedDatabase;
  /** Apply pending migrations first. Default true; `migrate status` only looks. */
  readonly migrate?: boolean;
  /** Start the servers of this role; omitted (the CLI), none start. */
  readonly role?: Role;
  /** The log destination's losses, exposed as a metric when servers start. */
  readonly logStats?: () => LogDestinationStats;
}

export interface Servers {
  /** Absent for the worker role, which serves only the admin port. */
  readonly apiAddress: string | undefined;
  readonly adminAddress: string;
  /** Present on the first start of an embedded data directory only. */
  readonly demo: DemoCredentials | undefined;
  readonly shutdown: Shutdown;
}

export interface Service {
  readonly app: Application;
  readonly db: Database;
  readonly migrator: Migrator;
  /** Which database, for people (never credentials). */
  readonly database: string;
  readonly servers: Servers | undefined;
  /** Drains the servers, if any, then closes what `build` opened, in reverse order of opening. */
  close(reason: string): Promise<void>;
}

/**
 * The composition root: config → database → migrations → repositories → use cases → servers.
 * Used by `keelson serve`, by the CLI when it opens the data itself, and by the test service.
 * Everything it opens goes on one list of closers, in the order opened; `close()` (or the
 * servers' shutdown) closes them in reverse, and a failed build closes what it had opened.
 */
export async function build(
  config: Config,
  options: BuildOptions & { role: Role },
): Promise<Service & { servers: Servers }>;
export async function build(config: Config, options: BuildOptions): Promise<Service>;
export async function build(config: Config, options: BuildOptions): Promise<Service> {
  const { logger } = options;
  // Each module logs through its own child, whose level the admin API changes at runtime.
  const logs = createModuleLoggers(logger, logModules, { rootModule: 'service' });
  const closers: Closer[] = [];
  const closeOpened = async (): Promise<void> => {
    await closeInReverse(closers, { logger, timeoutMs: 5_000 });
  };
  try {
    // First opened, last closed: spans of the shutdown itself still get out.
    const tracing = await createTracing({
      serviceName: 'keelson-checkout',
      serviceVersion,
      endpoint: config.otlpEndpoint,
      sampleRatio: config.traceSampleRatio,
    });
    closers.push({ name: 'tracing', close: () => tracing.shutdown() });
    const flags = await openFlags(config, logs.get('flags'), closers, tracing);
    const opened = options.database ?? (await openDatabase(config, logs.get('db')));
    if (options.database === undefined) closers.push({ name: 'database', close: () => opened.db.close() });
    if (options.migrate !== false) {
      const applied = await opened.migrator.up().catch((error: unknown) => {
        throw explainUnavailable(error, opened.description);
      });
      logger.info({ database: opened.description, applied }, 'database ready');
    }
    const { migrator, description } = opened;
    const db = traceDatabase(opened.db, tracing);
    const newId = createIdGenerator();
    const access = createAccessPgRepository(db);
    const serving = options.role === 'api' || options.role === 'all';
    const caching = await openCaching(config, db, logs.get('cache'), closers, serving, tracing);
    // The repositories that write outbox rows wake the relays after each commit. Nothing to close:
    // a wake-up still in flight when the database closes is only a lost hint (relays also poll).
    const outboxWrites = notifyingOutboxWrites(db, logs.get('events'), { timeoutMs: config.requestTimeoutMs }).db;
    const products = createProductPgRepository(outboxWrites, newId);
    const orders = createOrderPgRepository(outboxWrites, newId);
    // The provider opens on first use (the CLI's tenant commands never need it), or now, below,
    // when servers start: a misconfigured provider then fails the start, not the first payment.
    const provider = lazyProvider(() => openProvider(config, logs.get('payments'), closers, { tracing, flags }));
    const webhooks = openWebhooks(config, db, newId, logs.get('webhooks'));
    const app = buildApplication({
      ...webhooks.ports,
      products: caching.products === undefined ? products : cachedProducts(products, caching.products),
      orders: caching.products === undefined ? orders : stockInvalidatingOrders(orders, caching.products),
      access,
      keyCache: caching.keys,
      payments: createPaymentPgRepository(outboxWrites, newId),
      ledger: createLedgerPgReader(db),
      deadLetters: createDeadLetterPgRepository(
        db,
        deadLetterReplayers(newId, () => new Date()),
      ),
      provider,
      shipping: createSimulatedShipping(config.fulfillmentDelayMs),
      outbox: createOutboxAdmin(db),
      clock: { now: () => new Date() },
      newId,
      orderTtlMs: config.orderTtlSeconds * 1_000,
      ratePlans: Object.keys(config.rateLimitPlans),
      pricing: pricingByFlag(flags),
    });
    const seed = () => seedDemoTenant(createContext({ requestId: 'startup', timeoutMs: 10_000, logger }), app, access);
    const servers =
      options.role === undefined
        ? undefined
        : await startServers(config, {
            ...opened,
            db,
            tracing,
            flags,
            app,
            newId,
            provider,
            webhooks,
            role: options.role,
            logger,
            logs,
            closers,
            seed,
            options,
            caching,
          });
    return {
      app,
      db,
      migrator,
      database: description,
      servers,
      close: servers === undefined ? closeOpened : async (reason) => void (await servers.shutdown.shutdown(reason)),
    };
  } catch (error) {
    await closeOpened();
    throw error;
  }
}

interface ServerParts {
  readonly db: Database;
  readonly migrator: Migrator;
  readonly app: Application;
  readonly tracing: Tracing;
  readonly flags: FlagCheck;
  readonly newId: IdGenerator;
  readonly role: Role;
  readonly logger: Logger;
  readonly logs: ModuleLoggers<LogModule>;
  /** The build's list: what starts here is appended, in start order. */
  readonly closers: Closer[];
  readonly seed: () => Promise<DemoCredentials | undefined>;
  readonly provider: ReturnType<typeof lazyProvider>;
  readonly webhooks: Webhooks;
  readonly options: BuildOptions;
  readonly caching: Caching;
}

/** Admin server (health, metrics, admin API) for every role, then the public API unless worker-only. */
async function startServers(config: Config, parts: ServerParts): Promise<Servers> {
  const { db, app, logger, logs, closers } = parts;
  // The data directory's server record and demo tenant belong to an embedded database build opened,
  // not to one a test passed in.
  const embedded = config.databaseUrl === undefined && parts.options.database === undefined;
  // Exemplars only with tracing: without it the HTTP histogram keeps its plain observation.
  const metrics = createMetrics({ durationBuckets: httpDurationBuckets, exemplars: parts.tracing.enabled });
  registerPoolGauges(metrics, 'database', () => db.stats());
  if (parts.options.logStats !== undefined) registerLogCounters(metrics, parts.options.logStats);
  const psp = await parts.provider.opened();
  registerPolicyMetrics(metrics, psp.client.policy);
  if (parts.caching.products !== undefined) registerCacheMetrics(metrics, 'products', parts.caching.products);
  logger.info({ provider: psp.description }, 'payment provider ready');
  const health = createHealthChecks({ timeoutMs: 1_000 });
  health.add('database', () => db.ping(1_000));
  const timeouts = {
    headersTimeoutMs: config.headersTimeoutMs,
    defaultTimeoutMs: config.requestTimeoutMs,
    maxTimeoutMs: config.maxRequestTimeoutMs,
  };

  // Before the API on the closers' list, so it stops after the API has drained and before the database.
  await startEventFlow(config, {
    db,
    app,
    logger: logs.get('events'),
    metrics,
    newId: parts.newId,
    role: parts.role,
    exclusive: embedded,
    closers,
    tracing: parts.tracing,
    flags: parts.flags,
  });
  const upkeep = paymentUpkeepOf(config);
  const profiler = createProfiler();
  closers.push({ name: 'profiler', close: async () => profiler.stop() });
  const admin = createAdminServer({ logger: logs.get('admin'), metrics, health, http: timeouts });
  await registerAdminApi(admin, {
    app,
    migrator: parts.migrator,
    adminToken: adminTokenFor(config.dataDir, config.adminToken),
    upkeep,
    profiler,
    logLevels: logs,
  });
  const api =
    parts.role === 'worker'
      ? undefined
      : createHttpServer({ ...timeouts, logger: logs.get('http'), metrics, tracing: parts.tracing });
  if (api !== undefined) {
    const idempotencyStore = createPgIdempotencyStore(db);
    const limits = openApiLimits(config, { logger: logs.get('limits'), metrics, closers, tracing: parts.tracing });
    await registerApi(api, app, { version: serviceVersion, idempotencyStore, limits });
    // Health on the API port too, for load balancers that can only probe the serving port.
    registerHealthRoutes(api, health);
  }
  // After the provider and the database on the list, so the jobs stop before either closes.
  if (parts.role !== 'api') {
    startJobs({
      config,
      db,
      app,
      logger: logs.get('jobs'),
      metrics,
      newId: parts.newId,
      closers,
      tracing: parts.tracing,
    });
  }
  const shutdown = createShutdown({
    logger,
    drainTimeoutMs: config.shutdownTimeoutMs,
    servers: api === undefined ? [] : [api],
    health,
    closers,
  });

  const adminAddress = await admin.listen({ host: config.host, port: config.adminPort });
  closers.push({ name: 'admin', close: () => admin.close() });
  let apiAddress: string | undefined;
  try {
    apiAddress = await api?.listen({ host: config.host, port: config.httpPort });
  } catch (error) {
    // A taken port: nothing was served; close the instance so no handle keeps the process alive.
    await api?.close();
    throw error;
  }
  if (parts.role !== 'api' && config.webhooksConcurrency > 0) {
    closers.push(parts.webhooks.startDelivery({ metrics, tracing: parts.tracing }));
  }
  if (embedded) {
    const clearRecord = recordRunningServer(config.dataDir, { pid: process.pid, adminUrl: adminAddress });
    closers.push({ name: 'embedded-state', close: async () => clearRecord() });
  }
  if (parts.role === 'worker')
    logger.info('worker role: the event flow, jobs and webhook delivery, and the admin port; no public API');
  // Only once every port is ours: a demo key minted by a start that then failed would never be shown.
  const demo = embedded && api !== undefined ? await parts.seed() : undefined;
  return { apiAddress, adminAddress, demo, shutdown };
}
