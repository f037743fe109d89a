import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HealthChecks } from '../health/health-checks.ts';
import { closeGracefully } from '../http/drain.ts';
import { type Closer, closeInReverse } from './close-in-reverse.ts';
import { exitOnSignal, type SignalSource } from './exit-on-signal.ts';
import { withTimeout } from './with-timeout.ts';

/** What to drain and close, and how long each step may take. */
export interface ShutdownOptions {
  readonly logger: Logger;
  /** How long in-flight requests may take to finish before their connections are cut. */
  readonly drainTimeoutMs: number;
  /** Servers to drain together, e.g. the public API. */
  readonly servers: readonly FastifyInstance[];
  /**
   * In start-up order; closed in reverse, one at a time, after the drain. Read when the
   * shutdown runs, so a list still growing during start-up is closed whole.
   */
  readonly closers: readonly Closer[];
  readonly health: Pick<HealthChecks, 'startDraining'>;
  /**
   * Pause between failing readiness and closing listeners, so load balancers stop
   * sending traffic before connections are refused (set it above the probe period
   * when behind Kubernetes endpoints). Default 0.
   */
  readonly readinessGraceMs?: number;
  /** Budget per closer; a slower one counts as failed. Default 5 s. */
  readonly closerTimeoutMs?: number;
  /**
   * How long kept-alive sockets that carry no request stay open once draining begins, so a
   * client that sends its next request on one gets 503 `shutting_down` instead of a reset.
   * Default 1 s (never more than `drainTimeoutMs`).
   */
  readonly idleGraceMs?: number;
  /**
   * Whatever is stuck, the signal handler exits 1 this long after the signal. Default: every
   * step's own budget (grace, drain, each closer) plus 2 s.
   */
  readonly hardDeadlineMs?: number;
  /** How the signal handler ends the process. Default `process.exit`; tests replace it. */
  readonly exit?: (code: number) => void;
}

/** What the sequence did; logged as the last line and returned. */
export interface ShutdownReport {
  readonly reason: string;
  /** False when connections were still open at `drainTimeoutMs` and had to be cut. */
  readonly drained: boolean;
  readonly failedClosers: readonly string[];
  readonly durationMs: number;
}

export interface Shutdown {
  /** Runs the sequence once; later calls return the first call's promise. */
  shutdown(reason: string): Promise<ShutdownReport>;
  /**
   * SIGTERM/SIGINT → `shutdown`, then exit 0 (1 if a closer failed or the sequence
   * threw). A second signal while draining is logged and otherwise ignored.
   * Returns a function that removes the handlers.
   */
  installSignalHandlers(signals?: SignalSource): () => void;
}

/**
 * Graceful shutdown, in this order:
 * 1. readiness off (`/readyz` answers 503 `shutting_down`), then `readinessGraceMs`;
 * 2. every server drains (`closeGracefully`): the listener closes (new connections are
 *    refused), requests still arriving on kept-alive sockets get 503 `shutting_down` with
 *    `Connection: close`, idle sockets are closed after `idleGraceMs`;
 * 3. in-flight requests finish, or their connections are cut at `drainTimeoutMs`;
 * 4. closers run one by one in reverse registration order, each within `closerTimeoutMs`;
 * 5. the report is logged and returned.
 * The signal handler exits 1 if all this has not ended by `hardDeadlineMs`.
 *
 * @example
 * ```ts
 * import { createHealthChecks } from '@keelson/kit/health';
 * import { createHttpServer } from '@keelson/kit/http';
 * import { createShutdown } from '@keelson/kit/lifecycle';
 * import { createLogger } from '@keelson/kit/logging';
 * const logger = createLogger({ level: 'info' });
 * const api = createHttpServer({ logger });
 * const shutdown = createShutdown({
 *   logger, drainTimeoutMs: 10_000, servers: [api], health: createHealthChecks(),
 *   closers: [{ name: 'database', close: async () => {} }],
 * });
 * shutdown.installSignalHandlers();
 * ```
 */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger } = options;
  let running: Promise<ShutdownReport> | undefined;
  const closerTimeoutMs = options.closerTimeoutMs ?? 5_000;
  const idleGraceMs = Math.min(options.idleGraceMs ?? 1_000, options.drainTimeoutMs);
  const graceMs = options.readinessGraceMs ?? 0;
  const hardDeadlineMs = (): number =>
    options.hardDeadlineMs ?? graceMs + options.drainTimeoutMs + closerTimeoutMs * options.closers.length + 2_000;

  async function drainServers(): Promise<boolean> {
    logger.info({ servers: options.servers.length }, 'shutdown: listeners closing, draining in-flight requests');
    const closing = Promise.allSettled(options.servers.map((server) => closeGracefully(server, idleGraceMs)));
    const drained = await withTimeout(closing, options.drainTimeoutMs).then(
      () => true,
      () => false,
    );
    if (!drained) {
      logger.warn({ drainTimeoutMs: options.drainTimeoutMs }, 'shutdown: drain timed out, cutting open connections');
      for (const server of options.servers) server.server.closeAllConnections();
    }
    for (const result of await closing) {
      if (result.status === 'rejected') logger.error({ err: result.reason }, 'shutdown: a server failed to close');
    }
    return drained;
  }

  async function run(reason: string): Promise<ShutdownReport> {
    const startedAt = performance.now();
    logger.info({ reason }, 'shutdown: started, readiness off');
    options.health.startDraining();
    if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
    const drained = await drainServers();
    const failedClosers = await closeInReverse(options.closers, { logger, timeoutMs: closerTimeoutMs });
    const report = { reason, drained, failedClosers, durationMs: Math.round(performance.now() - startedAt) };
    logger.info(report, 'shutdown: complete');
    return report;
  }

  function shutdown(reason: string): Promise<ShutdownReport> {
    if (running !== undefined) {
      logger.info({ reason }, 'shutdown: already in progress');
      return running;
    }
    running = run(reason);
    return running;
  }

  return {
    shutdown,
    installSignalHandlers: (signals = process) =>
      exitOnSignal({
        shutdown,
        logger,
        exit: options.exit ?? ((code) => process.exit(code)),
        signals,
        hardDeadlineMs: hardDeadlineMs(),
      }),
  };
}
