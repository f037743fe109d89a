import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMigrator, createPgliteDatabase, type Database } from '@keelson/kit/db';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';
import { type OwnedTestDatabase, serverBackend } from '../support/databases.ts';
import { queuedJobs, seedDeadLetters } from '../support/dead-letters.ts';
import {
  type CommandResult,
  runCli,
  type ServiceProcess,
  serviceEnv,
  singleJsonObject,
  startServiceProcess,
  succeeded,
  tempDir,
} from '../support/service-process.ts';

// `keelson dlq list|show|replay|discard` as users run it: on an embedded data directory no
// server holds (the CLI opens PGlite), on the same directory while a server holds it (through
// its admin API), and on PostgreSQL. The entries are seeded as their sources leave them.

/** A `--json` failure: exit 1 and `{ object: 'error', code }`; returns the code. */
function failedCode(result: CommandResult): unknown {
  assert.equal(result.code, 1, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  const out = singleJsonObject(result);
  assert.equal(out.object, 'error');
  return out.code;
}

const ids = (list: Record<string, unknown>) => (list.data as { id: string; status: string }[]).map((d) => d.id);
const statuses = (list: Record<string, unknown>) => (list.data as { status: string }[]).map((d) => d.status);

/** Seeds two job dead letters of `queue` (oldest first) and one of a consumed event. */
async function seed(db: Database, queue: string): Promise<{ jobA: string; jobB: string; event: string }> {
  const [jobA = '', jobB = '', event = ''] = await seedDeadLetters(db, [
    { source: 'job', name: queue, payload: { n: 'a' }, attempts: 5 },
    { source: 'job', name: queue, payload: { n: 'b' } },
    { source: 'event', name: 'fulfillment', payload: { id: 'evt_1' }, tenantId: 'ten_1' },
  ]);
  return { jobA, jobB, event };
}

const inOrder = { concurrency: 1 };
const queue = 'test.unserved';

describe('keelson dlq', { concurrency: true }, () => {
  const dir = tempDir();
  after(() => dir.remove());

  describe('on one embedded data directory', inOrder, () => {
    const dataDir = join(dir.path, 'embedded');
    let letters = { jobA: '', jobB: '', event: '' };
    let env: Record<string, string> = {};
    let server: ServiceProcess | undefined;
    before(async () => {
      env = (await serviceEnv({ dataDir })).env;
      // The path openDatabase uses; closed before any CLI or server opens it.
      const db = await createPgliteDatabase({ dataDir: join(dataDir, 'pgdata') });
      try {
        await createMigrator(db, migrationsDir).up();
        letters = await seed(db, queue);
      } finally {
        await db.close();
      }
    });
    after(() => server?.kill());

    it('with no server: lists newest first and replays once (opens PGlite itself)', { timeout: 120_000 }, async () => {
      const list = succeeded(await runCli(['dlq', 'list', '--json'], env));
      assert.deepEqual(ids(list), [letters.event, letters.jobB, letters.jobA]);
      const human = await runCli(['dlq', 'replay', letters.jobA], env);
      assert.equal(human.code, 0, human.stderr);
      assert.match(
        human.stdout,
        new RegExp(
          `^Replayed ${letters.jobA}: job ${queue} job_\\S+ handed back once\\n\\(via embedded PGlite in .+\\)\\n$`,
        ),
      );
      assert.equal(failedCode(await runCli(['dlq', 'replay', letters.jobA, '--json'], env)), 'dead_letter_resolved');
    });

    it('with a server: the same through its admin API', { timeout: 120_000 }, async () => {
      server = await startServiceProcess(await serviceEnv({ dataDir }));
      const serverEnv = server.env;
      const jobs = succeeded(await runCli(['dlq', 'list', '--source', 'job', '--limit', '1', '--json'], serverEnv));
      assert.deepEqual([ids(jobs), statuses(jobs), jobs.has_more], [[letters.jobB], ['dead'], true]);
      const rest = succeeded(
        await runCli(['dlq', 'list', '--source', 'job', '--starting-after', letters.jobB, '--json'], serverEnv),
      );
      assert.deepEqual([ids(rest), statuses(rest)], [[letters.jobA], ['replayed']]);

      const discarded = succeeded(await runCli(['dlq', 'discard', letters.jobB, '--json'], serverEnv));
      assert.equal(discarded.status, 'discarded');
      assert.equal(
        failedCode(await runCli(['dlq', 'replay', letters.jobB, '--json'], serverEnv)),
        'dead_letter_resolved',
      );
      // An event goes back to its consumer (as a job enqueued with the mark): once.
      const replayedEvent = succeeded(await runCli(['dlq', 'replay', letters.event, '--json'], serverEnv));
      assert.equal(replayedEvent.status, 'replayed');
      assert.equal(
        failedCode(await runCli(['dlq', 'replay', letters.event, '--json'], serverEnv)),
        'dead_letter_resolved',
      );
      assert.equal(failedCode(await runCli(['dlq', 'show', 'dlq_nope', '--json'], serverEnv)), 'dead_letter_not_found');

      const shown = await runCli(['dlq', 'show', letters.event], serverEnv);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`^${letters.event}  replayed at \\S+\\n`));
      assert.match(shown.stdout, /\nsource: +event fulfillment \(message evt_\S+\)\n/);
      assert.match(shown.stdout, /\nlast error: +Error: fulfillment failed\n/);
      assert.match(shown.stdout, /\npayload: +\{"id":"evt_1"\}\n/);
      assert.match(shown.stdout, /\(via the running server's admin API at \S+\)\n$/);
    });
  });

  const backend = serverBackend();
  describe('on real PostgreSQL (opens the database itself)', {
    ...inOrder,
    skip: backend === undefined ? 'KEELSON_TEST_DATABASE_URL is not set' : false,
  }, () => {
    let database: OwnedTestDatabase | undefined;
    let env: Record<string, string> = {};
    before(async () => {
      database = await backend?.create();
      env = (await serviceEnv({ dataDir: join(dir.path, 'postgres'), databaseUrl: database?.url })).env;
    });
    after(() => database?.dispose());

    it('lists, replays once (the job is enqueued again with fresh attempts), discards', {
      timeout: 60_000,
    }, async () => {
      const db = database?.db ?? assert.fail('no database');
      const letters = await seed(db, queue);
      const list = succeeded(await runCli(['dlq', 'list', '--limit', '2', '--json'], env));
      assert.deepEqual([ids(list), list.has_more], [[letters.event, letters.jobB], true]);
      const replayed = succeeded(await runCli(['dlq', 'replay', letters.jobA, '--json'], env));
      assert.deepEqual([replayed.object, replayed.id, replayed.status], ['dead_letter', letters.jobA, 'replayed']);
      assert.equal(failedCode(await runCli(['dlq', 'replay', letters.jobA, '--json'], env)), 'dead_letter_resolved');
      assert.deepEqual(await queuedJobs(db, queue), [{ payload: { n: 'a' }, attempts: 0, max_attempts: 5 }]);
      assert.equal(succeeded(await runCli(['dlq', 'discard', letters.jobB, '--json'], env)).status, 'discarded');
      const table = await runCli(['dlq', 'list', '--source', 'job'], env);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^ID +SOURCE +NAME +STATUS +CREATED +LAST ERROR\n/);
      assert.match(
        table.stdout,
        new RegExp(`\\n${letters.jobA} +job +${queue} +replayed +\\S+ +Error: ${queue} failed\\n`),
      );
    });

    it('refuses a malformed command line before touching anything', async () => {
      const unknownSource = await runCli(['dlq', 'list', '--source', 'mail', '--json'], env);
      assert.equal(unknownSource.code, 2);
      assert.match(String(singleJsonObject(unknownSource).message), /unknown source 'mail'/);
      assert.equal((await runCli(['dlq', 'replay', '--json'], env)).code, 2);
    });
  });
});
