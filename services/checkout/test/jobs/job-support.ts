import type { Database } from '@keelson/kit/db';
import { createIdGenerator } from '@keelson/kit/ids';
import { createJobWorker, type JobWorker, type JobWorkerOptions } from '@keelson/kit/jobs';
import pino from 'pino';
import { jobDeadLetterSink } from '../../src/adapters/postgres/dead-letter.pg-repository.ts';

export const silent = pino({ level: 'silent' });
export const scope = () => ({ deadline: Date.now() + 10_000 });

/** A clock the test moves: jobs' due times, backoffs and leases follow it, not the wall. */
export function testClock(start = Date.parse('2031-03-01T10:00:00.000Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A worker over the service's dead_letters table, driven by `poll()` (never started). */
export function testWorker(db: Database, options: Omit<JobWorkerOptions, 'db' | 'deadLetters' | 'logger'>): JobWorker {
  return createJobWorker({ db, deadLetters: jobDeadLetterSink(createIdGenerator()), logger: silent, ...options });
}

/** Polls every worker until none claims anything and none runs anything. */
export async function drain(workers: readonly JobWorker[], bound = 200): Promise<void> {
  for (let round = 0; round < bound; round += 1) {
    await Promise.all(workers.map((w) => w.idle()));
    const claimed = await Promise.all(workers.map((w) => w.poll()));
    if (claimed.every((n) => n === 0)) return;
  }
  throw new Error(`workers still claiming after ${bound} rounds`);
}

export async function count(db: Database, sql: string, params: readonly unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(scope(), sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** A table the test handlers record their effects in, one row per effect applied. */
export async function createEffectsTable(db: Database): Promise<void> {
  await db.session((s) =>
    s.runScript('CREATE TABLE IF NOT EXISTS test_effects (key text NOT NULL, job_id text NOT NULL)'),
  );
}

/** A promise the test resolves when it decides. */
export function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}
