import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '@keelson/kit/db';
import { createIdGenerator } from '@keelson/kit/ids';
import { createCronScheduler, createJobQueue, type JobContext } from '@keelson/kit/jobs';
import { createMetrics } from '@keelson/kit/metrics';
import { backends } from '../support/databases.ts';
import { count, createEffectsTable, drain, gate, scope, silent, testClock, testWorker } from './job-support.ts';

// @keelson/kit/jobs over the service's migrated database (jobs, job_schedule_runs and the one
// dead_letters table), on PGlite and PostgreSQL. Time is the test's clock: no test waits for it.

async function recordEffect(db: Database, key: string, job: JobContext): Promise<void> {
  await db.query(scope(), 'INSERT INTO test_effects (key, job_id) VALUES ($1, $2)', [key, job.id]);
}

async function metricValue(metrics: ReturnType<typeof createMetrics>, labels: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`job_runs_total{${labels}}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

for (const backend of backends()) {
  describe(`jobs and cron (${backend.name})`, () => {
    it('three schedulers and three workers racing over six slots run each slot exactly once', async () => {
      const { db } = await backend.open();
      await createEffectsTable(db);
      const clock = testClock();
      const schedule = { name: `every-minute-${backend.name}`, queue: 'tick', everyMs: 60_000 };
      const schedulers = [1, 2, 3].map(() =>
        createCronScheduler({
          db,
          schedules: [schedule],
          logger: silent,
          clock: clock.now,
          newId: createIdGenerator(),
        }),
      );
      const workers = [1, 2, 3].map(() =>
        testWorker(db, {
          clock: clock.now,
          concurrency: 2,
          queues: {
            tick: {
              handler: async (job) => recordEffect(db, String((job.payload as { slot_start: string }).slot_start), job),
            },
          },
        }),
      );
      const enqueued: number[] = [];
      for (let slot = 0; slot < 6; slot += 1) {
        // Every scheduler ticks in the slot, all at once, then once more: six attempts at one slot row.
        const ticks = await Promise.all(schedulers.map((s) => s.tick()));
        const again = await Promise.all(schedulers.map((s) => s.tick()));
        enqueued.push([...ticks, ...again].reduce((a, b) => a + b, 0));
        await drain(workers);
        clock.advance(60_000);
      }
      assert.deepEqual(enqueued, [1, 1, 1, 1, 1, 1], 'one job per slot, whichever scheduler won');
      const perSlot = await db.query<{ key: string; n: number }>(
        scope(),
        'SELECT key, count(*)::int AS n FROM test_effects GROUP BY key ORDER BY key',
      );
      assert.equal(perSlot.rows.length, 6);
      assert.ok(
        perSlot.rows.every((r) => r.n === 1),
        JSON.stringify(perSlot.rows),
      );
      assert.equal(await count(db, 'SELECT count(*)::int AS n FROM jobs'), 0);
    });

    it('retries with exponential backoff and full jitter, then dead-letters with the last error', async () => {
      const { db } = await backend.open();
      const clock = testClock();
      const metrics = createMetrics();
      let attempts = 0;
      const worker = testWorker(db, {
        clock: clock.now,
        metrics,
        // The top of each jitter range: the delay is the backoff's ceiling.
        random: () => 0.999_999,
        queues: {
          flaky: {
            backoff: { baseMs: 1_000, maxMs: 3_000 },
            handler: async (job) => {
              attempts += 1;
              throw new Error(`boom on attempt ${job.attempt}`);
            },
          },
        },
      });
      const queue = createJobQueue({ db, clock: clock.now });
      const job = await queue.enqueue(scope(), {
        queue: 'flaky',
        payload: { n: 7 },
        tenantId: 'ten_x',
        maxAttempts: 4,
      });
      const runAt = async () => {
        const { rows } = await db.query<{ run_at: Date }>(scope(), 'SELECT run_at FROM jobs WHERE id = $1', [job.id]);
        return rows[0]?.run_at.getTime();
      };
      const expectedWaits = [1_000, 2_000, 3_000];
      for (const wait of expectedWaits) {
        await drain([worker]);
        assert.equal((await runAt()) ?? 0, clock.now() + wait, `after attempt ${attempts}: waits ${wait} ms`);
        clock.advance(wait - 1);
        assert.equal(await worker.poll(), 0, 'not claimed before its backoff ends');
        clock.advance(1);
      }
      await drain([worker]);
      assert.equal(attempts, 4);
      assert.equal(await runAt(), undefined, 'no longer a job');
      const { rows } = await db.query<Record<string, unknown>>(
        scope(),
        "SELECT tenant_id, source, name, payload, attempts, last_error, status FROM dead_letters WHERE message_key = $1 AND source = 'job'",
        [job.id],
      );
      assert.deepEqual(rows, [
        {
          tenant_id: 'ten_x',
          source: 'job',
          name: 'flaky',
          payload: { n: 7 },
          attempts: 4,
          last_error: 'Error: boom on attempt 4',
          status: 'dead',
        },
      ]);
      assert.equal(await metricValue(metrics, 'queue="flaky",outcome="retried"'), 3);
      assert.equal(await metricValue(metrics, 'queue="flaky",outcome="dead_lettered"'), 1);
    });

    it('a crashed worker’s job is taken over once its lease expires, and runs to completion once', async () => {
      const { db } = await backend.open();
      await createEffectsTable(db);
      const clock = testClock();
      const started: JobContext[] = [];
      // Worker A "crashes": its handler never finishes on its own (it ends only when aborted).
      const crashed = testWorker(db, {
        clock: clock.now,
        leaseMarginMs: 5_000,
        queues: {
          work: {
            timeoutMs: 60_000,
            handler: (job) =>
              new Promise<void>((_resolve, reject) => {
                started.push(job);
                job.signal.addEventListener('abort', () => reject(job.signal.reason));
              }),
          },
        },
      });
      const survivor = testWorker(db, {
        clock: clock.now,
        queues: {
          work: {
            handler: async (job) => {
              assert.equal(job.attempt, 2, 'the second attempt');
              await recordEffect(db, 'work', job);
            },
          },
        },
      });
      const job = await createJobQueue({ db, clock: clock.now }).enqueue(scope(), { queue: 'work', payload: {} });
      assert.equal(await crashed.poll(), 1);
      assert.equal(await survivor.poll(), 0, 'leased: not taken while the lease holds');
      clock.advance(65_000 - 1);
      assert.equal(await survivor.poll(), 0, 'the lease is timeout + margin');
      clock.advance(1);
      assert.equal(await survivor.poll(), 1, 'taken over once the lease expired');
      await survivor.idle();
      assert.equal(await count(db, 'SELECT count(*)::int AS n FROM jobs WHERE id = $1', [job.id]), 0);
      // The crashed attempt, aborted at last, cannot touch the job another worker finished.
      assert.deepEqual((await crashed.stop(100)).unfinished, 0);
      assert.equal(started.length, 1);
      assert.equal(await count(db, "SELECT count(*)::int AS n FROM test_effects WHERE key = 'work'"), 1);
      assert.equal(await count(db, 'SELECT count(*)::int AS n FROM dead_letters WHERE message_key = $1', [job.id]), 0);
    });

    it('a claim past the last attempt dead-letters a job whose worker died holding it', async () => {
      const { db } = await backend.open();
      const clock = testClock();
      const dying = testWorker(db, {
        clock: clock.now,
        leaseMarginMs: 0,
        queues: { once: { timeoutMs: 1_000, handler: () => new Promise<void>(() => {}) } },
      });
      const job = await createJobQueue({ db, clock: clock.now }).enqueue(scope(), {
        queue: 'once',
        payload: { x: 1 },
        maxAttempts: 1,
      });
      assert.equal(await dying.poll(), 1);
      clock.advance(1_000);
      const next = testWorker(db, {
        clock: clock.now,
        queues: { once: { handler: async () => assert.fail('no 2nd run') } },
      });
      await drain([next]);
      const { rows } = await db.query<{ attempts: number; last_error: string }>(
        scope(),
        'SELECT attempts, last_error FROM dead_letters WHERE message_key = $1',
        [job.id],
      );
      assert.deepEqual(rows, [
        { attempts: 1, last_error: 'lease expired: the worker running attempt 1 stopped or stalled' },
      ]);
    });

    it('never claims more than its free slots (backpressure)', async () => {
      const { db } = await backend.open();
      const clock = testClock();
      const release = gate();
      let running = 0;
      let most = 0;
      const worker = testWorker(db, {
        clock: clock.now,
        concurrency: 3,
        queues: {
          slow: {
            handler: async () => {
              running += 1;
              most = Math.max(most, running);
              await release.opened;
              running -= 1;
            },
          },
        },
      });
      const queue = createJobQueue({ db, clock: clock.now });
      for (let i = 0; i < 7; i += 1) await queue.enqueue(scope(), { queue: 'slow', payload: { i } });
      assert.equal(await worker.poll(), 3);
      assert.equal(await worker.poll(), 0, 'no free slot: nothing claimed');
      assert.equal(await count(db, 'SELECT count(*)::int AS n FROM jobs WHERE lease_token IS NULL'), 4);
      release.open();
      await drain([worker]);
      assert.equal(most, 3);
      assert.equal(await count(db, 'SELECT count(*)::int AS n FROM jobs'), 0);
    });

    it('stops gracefully: claims nothing more and lets the running job finish', async () => {
      const { db } = await backend.open();
      await createEffectsTable(db);
      const clock = testClock();
      const release = gate();
      const entered = gate();
      const worker = testWorker(db, {
        clock: clock.now,
        queues: {
          work: {
            handler: async (job) => {
              entered.open();
              await release.opened;
              await recordEffect(db, 'graceful', job);
            },
          },
        },
      });
      const queue = createJobQueue({ db, clock: clock.now });
      await queue.enqueue(scope(), { queue: 'work', payload: {} });
      assert.equal(await worker.poll(), 1);
      await entered.opened;
      const stopping = worker.stop(30_000);
      await queue.enqueue(scope(), { queue: 'work', payload: {} });
      assert.equal(await worker.poll(), 0, 'a stopping worker claims nothing');
      release.open();
      assert.deepEqual(await stopping, { unfinished: 0 });
      assert.equal(await count(db, "SELECT count(*)::int AS n FROM test_effects WHERE key = 'graceful'"), 1);
      assert.equal(await count(db, 'SELECT count(*)::int AS n FROM jobs'), 1, 'the second job waits for a worker');
    });

    it('started, it polls on its own, fills freed slots at once and stops claiming when stopped', async () => {
      const { db } = await backend.open();
      await createEffectsTable(db);
      let running = 0;
      let most = 0;
      const worker = testWorker(db, {
        concurrency: 2,
        // Far longer than the test: only the backlog's immediate refills can drain the queue in time.
        pollIntervalMs: 60_000,
        queues: {
          work: {
            handler: async (job) => {
              running += 1;
              most = Math.max(most, running);
              await recordEffect(db, 'started', job);
              running -= 1;
            },
          },
        },
      });
      const queue = createJobQueue({ db });
      for (let i = 0; i < 9; i += 1) await queue.enqueue(scope(), { queue: 'work', payload: { i } });
      worker.start();
      const until = Date.now() + 60_000;
      while ((await count(db, 'SELECT count(*)::int AS n FROM jobs')) > 0) {
        assert.ok(Date.now() < until, 'the started worker drained the queue');
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.deepEqual(await worker.stop(5_000), { unfinished: 0 });
      assert.equal(most, 2);
      assert.equal(await count(db, "SELECT count(*)::int AS n FROM test_effects WHERE key = 'started'"), 9);
      await queue.enqueue(scope(), { queue: 'work', payload: {} });
      worker.wake();
      assert.equal(await worker.poll(), 0, 'a stopped worker claims nothing, woken or polled');
    });

    it('enqueues inside a business transaction: a rollback leaves no job', async () => {
      const { db } = await backend.open();
      const queue = createJobQueue({ db });
      await assert.rejects(
        db.transaction(scope(), async (tx) => {
          await queue.enqueueIn(tx, { queue: 'work', payload: { lost: true } });
          throw new Error('the business change failed');
        }),
        /business change failed/,
      );
      const kept = await db.transaction(scope(), (tx) => queue.enqueueIn(tx, { queue: 'work', payload: {} }));
      assert.deepEqual(
        (await db.query<{ id: string }>(scope(), 'SELECT id FROM jobs')).rows.map((r) => r.id),
        [kept.id],
      );
    });
  });
}
