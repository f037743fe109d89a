import type { Logger } from 'pino';
import type { Database } from '../db/index.ts';
import { createIdGenerator, type IdGenerator } from '../ids/index.ts';
import { insertJob } from './job-queue.ts';

/** A job enqueued once per slot of a fixed interval (every minute, hourly, daily…). */
export interface Schedule {
  /** Unique among schedules; names the slot rows. */
  readonly name: string;
  readonly queue: string;
  /** Slots start at multiples of this since the epoch (UTC): 86_400_000 runs at 00:00 UTC. */
  readonly everyMs: number;
  /** Default 3: an upkeep job that keeps failing is better dead-lettered than piled up. */
  readonly maxAttempts?: number;
}

/** What a schedule's job carries: which slot it runs for. */
export interface SlotPayload {
  readonly schedule: string;
  /** ISO instant of the slot's start. */
  readonly slot_start: string;
}

export interface CronScheduler {
  /** Enqueues the current slot of every schedule whose slot no scheduler took yet; returns how many. */
  tick(): Promise<number>;
  /** Ticks now, then at every slot boundary. */
  start(): void;
  /** Cancels the next tick and waits for one in progress. */
  stop(): Promise<void>;
}

export interface CronSchedulerOptions {
  readonly db: Pick<Database, 'transaction'>;
  readonly schedules: readonly Schedule[];
  readonly logger: Logger;
  /** Epoch ms; `Date.now` unless a test drives time. */
  readonly clock?: () => number;
  readonly newId?: IdGenerator;
  /** Told after this scheduler enqueued a job (e.g. the local worker's `wake`). */
  readonly onEnqueued?: () => void;
  /** Slot rows kept per schedule before older ones are deleted. Default 100. */
  readonly keepSlots?: number;
}

const insertSlotSql = `INSERT INTO job_schedule_runs (schedule, slot_start, job_id) VALUES ($1, $2::timestamptz, $3)
ON CONFLICT (schedule, slot_start) DO NOTHING`;
const pruneSlotsSql = 'DELETE FROM job_schedule_runs WHERE schedule = $1 AND slot_start < $2::timestamptz';
/** After a failed tick (database away), try again this soon rather than at the next boundary. */
const retryTickMs = 5_000;
const tickBudgetMs = 5_000;

/**
 * Cron on the database: each slot of each schedule becomes exactly one job however many
 * schedulers run, because the slot row's primary key admits one insert (`ON CONFLICT DO
 * NOTHING`) and the job is enqueued in the same transaction. Missed slots (every scheduler was
 * down) are not made up: the next tick enqueues the current slot only.
 *
 * @example
 * ```ts
 * import { createPgliteDatabase } from '@keelson/kit/db';
 * import { createCronScheduler } from '@keelson/kit/jobs';
 * import { createLogger } from '@keelson/kit/logging';
 * const scheduler = createCronScheduler({
 *   db: await createPgliteDatabase({}),
 *   logger: createLogger({ level: 'info' }),
 *   schedules: [{ name: 'purge-hourly', queue: 'purge', everyMs: 3_600_000 }],
 * });
 * scheduler.start();
 * await scheduler.stop();
 * ```
 */
export function createCronScheduler(options: CronSchedulerOptions): CronScheduler {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? createIdGenerator();
  const keepSlots = options.keepSlots ?? 100;
  const names = new Set<string>();
  for (const schedule of options.schedules) {
    if (!Number.isInteger(schedule.everyMs) || schedule.everyMs < 1) {
      throw new RangeError(`schedule ${schedule.name}: everyMs must be a whole number of ms, at least 1`);
    }
    if (names.has(schedule.name)) throw new Error(`schedule ${schedule.name} is defined twice`);
    names.add(schedule.name);
  }
  // The slot each schedule last saw taken (by anyone): no insert is tried again for it.
  const taken = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<number> | undefined;
  let stopped = false;

  async function enqueueSlot(schedule: Schedule, slotStart: number): Promise<boolean> {
    return options.db.transaction({ deadline: Date.now() + tickBudgetMs }, async (tx) => {
      const jobId = newId('job');
      const { rowCount } = await tx.query(insertSlotSql, [schedule.name, new Date(slotStart), jobId]);
      if (rowCount !== 1) return false;
      const payload: SlotPayload = { schedule: schedule.name, slot_start: new Date(slotStart).toISOString() };
      await insertJob(
        tx,
        { queue: schedule.queue, payload, runAt: new Date(slotStart), maxAttempts: schedule.maxAttempts ?? 3 },
        jobId,
        new Date(clock()),
      );
      await tx.query(pruneSlotsSql, [schedule.name, new Date(slotStart - keepSlots * schedule.everyMs)]);
      return true;
    });
  }

  async function tickAll(): Promise<number> {
    const now = clock();
    let enqueued = 0;
    for (const schedule of options.schedules) {
      const slotStart = Math.floor(now / schedule.everyMs) * schedule.everyMs;
      if (taken.get(schedule.name) === slotStart) continue;
      if (await enqueueSlot(schedule, slotStart)) enqueued += 1;
      taken.set(schedule.name, slotStart);
    }
    if (enqueued > 0) options.onEnqueued?.();
    return enqueued;
  }

  function tick(): Promise<number> {
    ticking ??= tickAll().finally(() => {
      ticking = undefined;
    });
    return ticking;
  }

  function untilNextSlot(): number {
    const now = clock();
    const next = Math.min(...options.schedules.map((s) => (Math.floor(now / s.everyMs) + 1) * s.everyMs));
    return Math.max(0, next - now);
  }

  function runAndReschedule(): void {
    if (stopped) return;
    tick().then(
      () => reschedule(untilNextSlot()),
      (error: unknown) => {
        options.logger.warn({ err: error }, 'cron: enqueuing a slot failed; trying again');
        reschedule(Math.min(untilNextSlot(), retryTickMs));
      },
    );
  }

  function reschedule(delayMs: number): void {
    if (stopped || options.schedules.length === 0) return;
    clearTimeout(timer);
    timer = setTimeout(runAndReschedule, delayMs);
    timer.unref();
  }

  return {
    tick,
    start: runAndReschedule,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await ticking?.catch(() => 0);
    },
  };
}
