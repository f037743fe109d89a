import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/index.ts';
import { isAppError } from '../errors/index.ts';
import type { Metrics } from '../metrics/index.ts';
import { SpanKind, SpanStatusCode, type Tracing, traceparentOf } from '../telemetry/index.ts';
import { type BackoffOptions, retryDelayMs } from './backoff.ts';
import type { DeadLetterSink } from './dead-letter.ts';
import { jobOutcomes } from './job-metrics.ts';
import { claimSql, completeSql, deleteLeasedSql, type JobRow, retrySql } from './job-sql.ts';

/** What a handler gets: the job, and the time it has. */
export interface JobContext {
  readonly id: string;
  readonly queue: string;
  readonly tenantId: string | undefined;
  readonly payload: unknown;
  /** 1 on the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Epoch ms (wall clock): the handler's work must end by then. */
  readonly deadline: number;
  /** Aborted at the deadline, or when the worker's stop budget ran out. */
  readonly signal: AbortSignal;
  /**
   * The run's span when tracing is on, else the enqueuer's `traceparent` as stored: a handler
   * puts it in its request context, so what the job does is part of the trace.
   */
  readonly traceparent?: string;
}

/**
 * Runs one job; resolving completes it, throwing retries it (or dead-letters it after the last
 * attempt). A job may run more than once (a worker dying after the effect, before completing),
 * so handlers must be idempotent.
 */
export type JobHandler = (job: JobContext) => Promise<void>;

export interface QueueOptions {
  readonly handler: JobHandler;
  /** How long one attempt may run. Default 30 s. */
  readonly timeoutMs?: number;
  /** Default: 1 s doubling up to 5 min, full jitter. */
  readonly backoff?: BackoffOptions;
}

export interface JobWorkerOptions {
  readonly db: Database;
  readonly queues: Readonly<Record<string, QueueOptions>>;
  readonly deadLetters: DeadLetterSink;
  readonly logger: Logger;
  /** Jobs run at once; a claim never asks for more than the free slots. Default 4. */
  readonly concurrency?: number;
  /** How often an idle worker looks for due jobs. Default 1 s. */
  readonly pollIntervalMs?: number;
  /**
   * How much longer than the longest queue timeout a claim holds a job before another worker
   * may take it over. Default 10 s.
   */
  readonly leaseMarginMs?: number;
  /** Epoch ms for the jobs' own times (due, backoff, lease); `Date.now` unless a test drives time. */
  readonly clock?: () => number;
  /** In [0, 1), for the backoff's jitter. */
  readonly random?: () => number;
  /** Records `job_runs_total{queue, outcome}`. */
  readonly metrics?: Metrics;
  /**
   * A CONSUMER span per run (`job <queue>`), child of the span that enqueued the job (its stored
   * `traceparent`), else a trace of its own. The worker's claims and bookkeeping are not traced.
   */
  readonly tracing?: Tracing;
}

export interface JobWorker {
  /** Starts polling (and claims at once). */
  start(): void;
  /** Looks for due jobs now, e.g. right after this process enqueued one. */
  wake(): void;
  /**
   * One claim round: claims up to the free slots and starts them; resolves with how many it
   * claimed (it does not wait for them). Tests drive the worker with it instead of `start`.
   */
  poll(): Promise<number>;
  /** Resolves once no job of this worker is running. */
  idle(): Promise<void>;
  /**
   * Stops claiming and waits up to `budgetMs` for running jobs; past it, aborts their signals.
   * Resolves with how many had not finished (their leases expire and another worker retries).
   */
  stop(budgetMs: number): Promise<{ readonly unfinished: number }>;
  readonly running: number;
}

const defaultTimeoutMs = 30_000;
const defaultBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 300_000 };
/** Budget of the worker's own statements (claim, complete, retry, dead letter). */
const bookkeepingMs = 10_000;
const maxErrorLength = 2_000;

function describeError(error: unknown): string {
  const text = isAppError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
  return text.slice(0, maxErrorLength);
}

/**
 * Claims due jobs with `FOR UPDATE SKIP LOCKED` (several workers never take the same job),
 * runs each under a lease, and completes, retries with backoff or dead-letters it.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { createJobWorker } from '@keelson/kit/jobs';
 * import { createLogger } from '@keelson/kit/logging';
 * const db = await createPgliteDatabase({});
 * const worker = createJobWorker({
 *   db,
 *   logger: createLogger({ level: 'info' }),
 *   queues: { emails: { handler: async (job) => void job.payload } },
 *   deadLetters: async (tx, letter) => void (await tx.query('SELECT $1::text', [letter.messageKey])),
 * });
 * worker.start();
 * await worker.stop(5_000);
 * ```
 */
export function createJobWorker(options: JobWorkerOptions): JobWorker {
  const { db, logger } = options;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const concurrency = options.concurrency ?? 4;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const queueNames = Object.keys(options.queues);
  const timeouts = queueNames.map((name) => options.queues[name]?.timeoutMs ?? defaultTimeoutMs);
  const leaseMs = Math.max(...timeouts, 0) + (options.leaseMarginMs ?? 10_000);
  const outcomes = options.metrics === undefined ? undefined : jobOutcomes(options.metrics);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be at least 1');

  const running = new Set<Promise<void>>();
  const controllers = new Set<AbortController>();
  let claiming: Promise<number> | undefined;
  // The last claim found more due work than room (a full claim, or no free slot at all): a slot
  // that frees up is then filled at once instead of at the next poll.
  let backlog = false;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopping = false;

  const bookkeeping = () => ({ deadline: Date.now() + bookkeepingMs });
  const count = (queue: string, outcome: string) => outcomes?.inc({ queue, outcome });

  function schedule(delayMs: number): void {
    if (!started || stopping) return;
    clearTimeout(timer);
    timer = setTimeout(loop, delayMs);
    timer.unref();
  }

  function loop(): void {
    poll().then(
      (claimed) => schedule(claimed > 0 && backlog ? 0 : pollIntervalMs),
      (error: unknown) => {
        logger.warn({ err: error }, 'jobs: claim failed; polling again');
        schedule(pollIntervalMs);
      },
    );
  }

  /** One claim at a time, so two rounds can never both count the same free slots. */
  function poll(): Promise<number> {
    claiming ??= claim().finally(() => {
      claiming = undefined;
    });
    return claiming;
  }

  async function claim(): Promise<number> {
    const free = concurrency - running.size;
    if (free <= 0) backlog = true;
    if (stopping || free <= 0 || queueNames.length === 0) return 0;
    const now = clock();
    const token = randomUUID();
    const { rows } = await db.query<JobRow>(bookkeeping(), claimSql, [
      queueNames,
      new Date(now),
      new Date(now + leaseMs),
      token,
      free,
    ]);
    backlog = rows.length === free;
    for (const row of rows) {
      const run = execute(row, token).catch((error: unknown) =>
        logger.error({ err: error, job: row.id, queue: row.queue }, 'jobs: bookkeeping failed; the lease will expire'),
      );
      running.add(run);
      void run.finally(() => {
        running.delete(run);
        if (backlog) schedule(0);
      });
    }
    return rows.length;
  }

  async function execute(job: JobRow, token: string): Promise<void> {
    const queue = options.queues[job.queue];
    if (queue === undefined) throw new Error(`no handler for queue ${job.queue}`);
    if (job.attempts > job.max_attempts) {
      // The last attempt's worker died holding the lease: nothing more to try.
      await deadLetter(job, token, job.last_error ?? 'lease expired');
      return;
    }
    const timeoutMs = queue.timeoutMs ?? defaultTimeoutMs;
    const controller = new AbortController();
    controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(new Error(`job timed out after ${timeoutMs} ms`)), timeoutMs);
    let failure: { error: unknown } | undefined;
    const span = options.tracing?.enabled ? startRunSpan(options.tracing, job) : undefined;
    const traceparent = span === undefined ? (job.traceparent ?? undefined) : traceparentOf(span);
    try {
      await queue.handler({
        id: job.id,
        queue: job.queue,
        tenantId: job.tenant_id ?? undefined,
        payload: job.payload,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        deadline: Date.now() + timeoutMs,
        signal: controller.signal,
        ...(traceparent === undefined ? {} : { traceparent }),
      });
    } catch (error) {
      failure = { error };
      // The error's class only: a message may quote the payload.
      span?.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
    } finally {
      clearTimeout(timeout);
      controllers.delete(controller);
      span?.end();
    }
    if (failure === undefined) {
      const { rowCount } = await db.query(bookkeeping(), completeSql, [job.id, token]);
      count(job.queue, rowCount === 1 ? 'succeeded' : 'lease_lost');
      return;
    }
    const lastError = describeError(failure.error);
    if (job.attempts >= job.max_attempts) {
      await deadLetter(job, token, lastError);
      return;
    }
    const delay = retryDelayMs(job.attempts, queue.backoff ?? defaultBackoff, random);
    const { rowCount } = await db.query(bookkeeping(), retrySql, [job.id, token, new Date(clock() + delay), lastError]);
    count(job.queue, rowCount === 1 ? 'retried' : 'lease_lost');
    logger.warn(
      { job: job.id, queue: job.queue, attempt: job.attempts, retryInMs: delay, error: lastError },
      'job failed; retrying',
    );
  }

  async function deadLetter(job: JobRow, token: string, lastError: string): Promise<void> {
    const moved = await db.transaction(bookkeeping(), async (tx) => {
      const { rowCount } = await tx.query(deleteLeasedSql, [job.id, token]);
      if (rowCount !== 1) return false;
      await options.deadLetters(tx, {
        source: 'job',
        name: job.queue,
        messageKey: job.id,
        tenantId: job.tenant_id ?? undefined,
        payload: job.payload,
        attempts: Math.min(job.attempts, job.max_attempts),
        lastError,
        createdAt: new Date(clock()),
      });
      return true;
    });
    count(job.queue, moved ? 'dead_lettered' : 'lease_lost');
    if (moved)
      logger.error({ job: job.id, queue: job.queue, error: lastError }, 'job dead-lettered after its last attempt');
  }

  async function idle(): Promise<void> {
    while (running.size > 0) await Promise.allSettled([...running]);
  }

  return {
    start() {
      started = true;
      schedule(0);
    },
    wake: () => schedule(0),
    poll,
    idle,
    async stop(budgetMs) {
      stopping = true;
      clearTimeout(timer);
      await claiming?.catch(() => 0);
      // Most of the budget to finish; the rest for aborted handlers to record their failure.
      const abortGraceMs = Math.min(1_000, Math.floor(budgetMs / 4));
      const finished = await settledWithin(idle(), budgetMs - abortGraceMs);
      if (!finished) {
        for (const controller of controllers) controller.abort(new Error('the worker is stopping'));
        await settledWithin(idle(), abortGraceMs);
      }
      return { unfinished: running.size };
    },
    get running() {
      return running.size;
    },
  };
}

function startRunSpan(tracing: Tracing, job: JobRow) {
  return tracing.startSpan(`job ${job.queue}`, {
    kind: SpanKind.CONSUMER,
    parent: job.traceparent ?? undefined,
    attributes: {
      'messaging.system': 'keelson-jobs',
      'messaging.operation.type': 'process',
      'messaging.destination.name': job.queue,
      'messaging.message.id': job.id,
      'messaging.message.delivery_attempt': job.attempts,
    },
  });
}

async function settledWithin(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
