import type { Logger } from 'pino';
import type { Database } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import { fullJitterDelayMs } from '../resilience/backoff.ts';
import { SpanKind, SpanStatusCode, type Tracing } from '../telemetry/index.ts';
import type { OutboxMetrics } from './outbox-metrics.ts';
import { createOutboxStore, type OutboxStore } from './outbox-store.ts';
import { outboxNotifyChannel } from './outbox-table.sql.ts';
import { createWakeup } from './wakeup.ts';

export interface OutboxRelayOptions {
  readonly db: Database;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Rows claimed and published at once. */
  readonly batchSize: number;
  /** How often to look for rows when no NOTIFY arrives (the fallback). */
  readonly pollIntervalMs: number;
  /**
   * How long a claim holds its rows. A publish still running when it ends is aborted and its rows
   * are claimable again, so keep the broker's de-duplication window longer than this.
   */
  readonly leaseMs: number;
  /**
   * Budget of each of the relay's statements (claim, mark, release); never below 5 s, the default.
   * Give it the requests' own budget when the relay shares their pool: a connection re-`SET`s its
   * `statement_timeout` whenever a caller's budget falls in another bucket (ADR 0005), and a
   * budget of the lease (30 s) cost two such round trips per claim. Keep it shorter than the lease.
   */
  readonly statementTimeoutMs?: number;
  /** Wait on a NOTIFY on the outbox channel as well as the poll timer. Default true. */
  readonly listen?: boolean;
  /**
   * This relay is the only one on the database (embedded mode): leases left by a previous run
   * of this process (killed mid-publish) are ended at start instead of waited out.
   */
  readonly exclusive?: boolean;
  readonly metrics?: OutboxMetrics;
  /** A PRODUCER span per published batch, linked to the trace of every event in it. */
  readonly tracing?: Tracing;
  /** Retry pacing after a failed claim or publish (full jitter). Defaults 100 ms to 5 s. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export interface OutboxRelay {
  /** Claims and publishes until stopped; resolves once listening (or polling) has started. */
  start(): Promise<void>;
  /** Looks for rows now instead of at the next poll. */
  wake(): void;
  /**
   * Stops claiming, lets the batch in flight finish (published and marked, or released) within
   * `drainMs`, aborting its publish after that, then stops listening.
   */
  stop(drainMs: number): Promise<void>;
}

/** The shortest budget the relay's statements get (and their default). */
const minStatementTimeoutMs = 5_000;

/**
 * The transactional outbox relay: claim → publish → mark, one batch at a time. No transaction
 * is open while the bus is called (ADR 0009): a claim is a lease written in its own statement,
 * so neither a pooled connection nor, on PGlite, the one session is held across the network call.
 * Rows are marked published only after the bus acknowledged all of them.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { createInProcessBus } from '@keelson/kit/events';
 * import { createOutboxRelay } from '@keelson/kit/outbox';
 * const db = await createPgliteDatabase({});
 * const relay = createOutboxRelay({
 *   db, bus: createInProcessBus(), logger: pino(), batchSize: 100, pollIntervalMs: 1_000, leaseMs: 30_000,
 * });
 * await relay.start();
 * await relay.stop(5_000);
 * ```
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, bus, logger, batchSize, pollIntervalMs, leaseMs } = options;
  const store: OutboxStore = createOutboxStore(db);
  const wakeup = createWakeup();
  const stopping = new AbortController();
  const publishAbort = new AbortController();
  let loop: Promise<void> | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let listening = false;
  let failures = 0;
  // A floor: a deployment with short request deadlines must not starve the relay's claims.
  const statementTimeoutMs = Math.max(options.statementTimeoutMs ?? 0, minStatementTimeoutMs);
  const scope = () => ({ deadline: Date.now() + statementTimeoutMs });

  async function listen(): Promise<void> {
    if (options.listen === false || listening || stopping.signal.aborted) return;
    try {
      unlisten = await db.listen(outboxNotifyChannel, wakeup.wake, (error) => {
        listening = false;
        logger.warn({ err: error }, 'outbox relay: LISTEN connection lost; polling until it is back');
        wakeup.wake();
      });
      listening = true;
    } catch (error) {
      logger.warn({ err: error }, 'outbox relay: LISTEN failed; polling until it works');
    }
  }

  /** One claim → publish → mark round; returns how many rows it published. */
  async function round(): Promise<number> {
    const messages = await store.claim(scope(), batchSize, leaseMs);
    if (messages.length === 0) return 0;
    const ids = messages.map((m) => m.id);
    // The publish must end before the lease does, or another relay could send the rows too.
    const signal = AbortSignal.any([publishAbort.signal, AbortSignal.timeout(Math.max(1, leaseMs - 1_000))]);
    const span = options.tracing?.startSpan(`publish ${bus.name}`, {
      kind: SpanKind.PRODUCER,
      parent: undefined,
      attributes: { 'messaging.system': bus.name, 'messaging.batch.message_count': messages.length },
      links: messages.flatMap((m) => (m.headers.traceparent === undefined ? [] : [m.headers.traceparent])),
    });
    try {
      await bus.publish(messages, signal);
    } catch (error) {
      span?.setStatus({ code: SpanStatusCode.ERROR });
      options.metrics?.publishFailures.inc();
      await store.release(scope(), ids).catch(() => {});
      throw error;
    } finally {
      span?.end();
    }
    await store.markPublished(scope(), ids);
    options.metrics?.published.inc(messages.length);
    return messages.length;
  }

  async function run(): Promise<void> {
    while (!stopping.signal.aborted) {
      await listen();
      let published = 0;
      try {
        published = await round();
        failures = 0;
      } catch (error) {
        failures += 1;
        const delay = fullJitterDelayMs(failures, options.retryBaseMs ?? 100, options.retryMaxMs ?? 5_000, Math.random);
        logger.warn({ err: error, failures, retryInMs: delay }, 'outbox relay: publish failed; rows stay unpublished');
        await wakeup.sleep(Math.max(1, delay), stopping.signal, false);
        continue;
      }
      // A full batch means more may be waiting: go again at once. Otherwise sleep until a NOTIFY.
      if (published < batchSize) await wakeup.sleep(pollIntervalMs, stopping.signal, true);
    }
  }

  return {
    async start() {
      if (loop !== undefined) return;
      if (options.exclusive === true) {
        const released = await store.releaseAll(scope());
        if (released > 0) logger.info({ released }, 'outbox relay: ended leases a previous run left');
      }
      await listen();
      loop = run();
    },
    wake: () => wakeup.wake(),
    async stop(drainMs) {
      stopping.abort();
      const timer = setTimeout(() => publishAbort.abort(new Error('outbox relay stopping')), drainMs);
      try {
        await loop;
      } finally {
        clearTimeout(timer);
        await unlisten?.().catch(() => {});
      }
    },
  };
}
