import { createContext, type RequestContext } from '@keelson/kit/context';
import type { Database } from '@keelson/kit/db';
import { createIdempotency, createPgIdempotencyStore } from '@keelson/kit/idempotency';
import type { IdGenerator } from '@keelson/kit/ids';
import {
  createCronScheduler,
  createJobWorker,
  type JobContext,
  type JobHandler,
  type QueueOptions,
  registerJobQueueDepth,
  type Schedule,
} from '@keelson/kit/jobs';
import type { Closer } from '@keelson/kit/lifecycle';
import { type Metrics, registerWorkerPool } from '@keelson/kit/metrics';
import type { Tracing } from '@keelson/kit/telemetry';
import type { Logger } from 'pino';
import type { EventDeadLetter } from '../adapters/events/event-replay.ts';
import { jobDeadLetterSink } from '../adapters/postgres/dead-letter.pg-repository.ts';
import { prunePublishedOutbox } from '../adapters/postgres/outbox-retention.ts';
import type { Application } from '../app/application.ts';
import type { Config } from '../config.ts';
import { eventReplayQueue } from './dead-letters.ts';
import { eventReplayer } from './events.ts';
import { paymentUpkeepOf } from './payment-upkeep.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
/** Orders looked at per expiry batch, and batches per run (a backlog drains over a few runs). */
const expiryBatch = 100;
const expiryBatchesPerRun = 10;
/** What a worker's running jobs get to finish on shutdown; fits inside the closer's 5 s budget. */
const maxStopBudgetMs = 4_000;

export interface JobsParts {
  readonly config: Config;
  readonly db: Database;
  readonly app: Application;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly newId: IdGenerator;
  /** Appended to, in start order: the scheduler and the worker stop before the database closes. */
  readonly closers: Closer[];
  /** A span per job run. */
  readonly tracing: Tracing;
}

/** A job's request context: its deadline, its abort signal, a logger naming it, its run's trace. */
function jobContext(job: JobContext, logger: Logger): RequestContext {
  return createContext({
    requestId: job.id,
    timeoutMs: job.deadline - Date.now(),
    logger: logger.child({ job: job.id, queue: job.queue }),
    signal: job.signal,
    ...(job.traceparent === undefined ? {} : { traceparent: job.traceparent }),
  });
}

/**
 * The checkout service's upkeep queues, each a cron schedule (fixed intervals, one run per slot
 * however many workers run): expire unpaid orders, purge idempotency keys, reconcile pending
 * payments, prune the published outbox. Every handler is idempotent: a run repeated after a
 * crash changes nothing twice.
 */
function upkeepQueues(parts: JobsParts): { queues: Record<string, QueueOptions>; schedules: Schedule[] } {
  const { config, db, app, logger } = parts;
  const withContext =
    (work: (ctx: RequestContext) => Promise<unknown>): JobHandler =>
    async (job) => {
      const ctx = jobContext(job, logger);
      const report = await work(ctx);
      if (report !== undefined) ctx.logger.info({ report }, 'job done');
    };
  const idempotency = createIdempotency({ store: createPgIdempotencyStore(db) });
  const replayEvent = eventReplayer(app, logger, config);
  const upkeep = paymentUpkeepOf(config);
  const queues: Record<string, QueueOptions> = {
    'orders.expire': {
      handler: withContext(async (ctx) => {
        let expired = 0;
        for (let batch = 0; batch < expiryBatchesPerRun; batch += 1) {
          const report = await app.commands.expireOrders(ctx, { limit: expiryBatch });
          expired += report.expired;
          if (report.due < expiryBatch) break;
        }
        return expired === 0 ? undefined : { expired };
      }),
    },
    'idempotency.purge': { handler: withContext(async () => ({ purged: await idempotency.purgeExpired() })) },
    'payments.reconcile': {
      // Provider calls, one per pending item, each within the longest request's deadline.
      timeoutMs: config.maxRequestTimeoutMs * 2,
      handler: withContext(async (ctx) => {
        const report = await app.commands.reconcilePayments(ctx, upkeep.reconcile);
        return report.payments.pending + report.refunds.pending === 0 ? undefined : report;
      }),
    },
    // A dead-lettered event handed back by `keelson dlq replay`, applied once through the inbox.
    [eventReplayQueue]: {
      handler: async (job) => {
        // Only composition/dead-letters.ts enqueues on this queue, with an EventDeadLetter payload.
        const outcome = await replayEvent(job.payload as EventDeadLetter, job.signal);
        logger.info({ job: job.id, outcome }, 'dead-lettered event replayed');
      },
    },
    'outbox.prune': {
      handler: withContext(async (ctx) => {
        const before = new Date(Date.now() - config.outboxRetentionHours * hour);
        return { pruned: await prunePublishedOutbox(db, ctx, before) };
      }),
    },
  };
  const schedules: Schedule[] = [
    { name: 'orders.expire.minutely', queue: 'orders.expire', everyMs: minute },
    { name: 'idempotency.purge.hourly', queue: 'idempotency.purge', everyMs: hour },
    { name: 'outbox.prune.daily', queue: 'outbox.prune', everyMs: day },
  ];
  // 0 = never: `keelson payments reconcile` by hand only.
  if (upkeep.intervalMs > 0) {
    schedules.push({ name: 'payments.reconcile', queue: 'payments.reconcile', everyMs: upkeep.intervalMs });
  }
  return { queues, schedules };
}

/**
 * Starts the job worker and the cron scheduler of the worker role (`worker` and `all`). Closing
 * stops the scheduler, then stops claiming and lets running jobs finish within the shutdown budget.
 */
export function startJobs(parts: JobsParts): void {
  const { config, db, logger, metrics, closers } = parts;
  const { queues, schedules } = upkeepQueues(parts);
  const worker = createJobWorker({
    db,
    queues,
    deadLetters: jobDeadLetterSink(parts.newId),
    logger,
    concurrency: config.jobsConcurrency,
    pollIntervalMs: config.jobsPollIntervalMs,
    metrics,
    tracing: parts.tracing,
  });
  registerJobQueueDepth(metrics, db, Object.keys(queues));
  registerWorkerPool(metrics, 'jobs', () => ({ inUse: worker.running, capacity: config.jobsConcurrency }));
  const scheduler = createCronScheduler({ db, schedules, logger, newId: parts.newId, onEnqueued: worker.wake });
  worker.start();
  scheduler.start();
  closers.push({
    name: 'jobs',
    close: async () => {
      await scheduler.stop();
      const { unfinished } = await worker.stop(Math.min(config.shutdownTimeoutMs, maxStopBudgetMs));
      if (unfinished > 0) logger.warn({ unfinished }, 'jobs still running at shutdown; their leases will expire');
    },
  });
  logger.info({ queues: Object.keys(queues), schedules: schedules.map((s) => s.name) }, 'jobs: worker started');
}
