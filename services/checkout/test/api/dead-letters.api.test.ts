import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { queuedJobs, seedDeadLetters } from '../support/dead-letters.ts';
import { useTestService } from '../support/service.ts';

// /admin/dead_letters on the whole service in-process: the entries are seeded as their sources
// leave them; replay goes through the job replayer into the jobs table (a queue no worker
// serves, so the test sees the job it re-enqueued).

const ids = (body: Record<string, unknown>) => (body.data as { id: string }[]).map((d) => d.id);

for (const backend of backends()) {
  describe(`dead letters through the admin API (${backend.name})`, () => {
    const service = useTestService(backend);

    it('lists newest first, pages with starting_after, filters by source, shows one', async () => {
      const { db } = service().database;
      const [job1, event1, job2] = await seedDeadLetters(db, [
        { source: 'job', name: 'test.a', payload: { n: 1 } },
        { source: 'event', name: 'fulfillment', payload: { id: 'evt_x' }, tenantId: 'ten_x' },
        { source: 'job', name: 'test.a', payload: { n: 2 } },
      ]);
      const first = await service().admin('GET', '/dead_letters?limit=2');
      assert.equal(first.status, 200);
      assert.deepEqual(ids(first.body), [job2, event1]);
      assert.equal(first.body.has_more, true);
      const next = await service().admin('GET', `/dead_letters?limit=2&starting_after=${event1}`);
      assert.equal(ids(next.body)[0], job1);
      const jobs = await service().admin('GET', '/dead_letters?source=job&limit=2');
      assert.deepEqual(ids(jobs.body), [job2, job1]);

      const shown = await service().admin('GET', `/dead_letters/${event1}`);
      assert.equal(shown.status, 200);
      const { created_at, message_key, ...rest } = shown.body;
      assert.ok(!Number.isNaN(Date.parse(String(created_at))));
      assert.match(String(message_key), /^evt_/);
      assert.deepEqual(rest, {
        object: 'dead_letter',
        id: event1,
        tenant_id: 'ten_x',
        source: 'event',
        name: 'fulfillment',
        payload: { id: 'evt_x' },
        attempts: 3,
        last_error: 'Error: fulfillment failed',
        status: 'dead',
        resolved_at: null,
      });
    });

    it('refuses bad input and unknown ids with problems', async () => {
      const refused = [
        ['GET', '/dead_letters?source=mail', 400, 'invalid_request'],
        ['GET', '/dead_letters?limit=0', 400, 'invalid_request'],
        ['GET', '/dead_letters?starting_after=dlq_nope', 400, 'invalid_cursor'],
        ['GET', '/dead_letters/dlq_nope', 404, 'dead_letter_not_found'],
        ['POST', '/dead_letters/dlq_nope/replay', 404, 'dead_letter_not_found'],
        ['POST', '/dead_letters/dlq_nope/discard', 404, 'dead_letter_not_found'],
      ] as const;
      for (const [method, path, status, code] of refused) {
        const answer = await service().admin(method, path);
        assert.deepEqual([answer.status, answer.body.code], [status, code], `${method} ${path}`);
      }
    });

    it('replays a job once: enqueued again with fresh attempts; a second replay is 409 and enqueues nothing', async () => {
      const { db } = service().database;
      const queue = `test.unserved.${randomBytes(3).toString('hex')}`;
      const [id] = await seedDeadLetters(db, [{ source: 'job', name: queue, payload: { marker: 1 }, attempts: 4 }]);
      const replays = await Promise.all([1, 2].map(() => service().admin('POST', `/dead_letters/${id}/replay`)));
      const statuses = replays.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409], 'two replays at once: one applies');
      const applied = replays.find((r) => r.status === 200)?.body ?? assert.fail('no replay applied');
      const refused = replays.find((r) => r.status === 409)?.body ?? assert.fail('no replay refused');
      assert.equal(applied.status, 'replayed');
      assert.ok(!Number.isNaN(Date.parse(String(applied.resolved_at))));
      assert.equal(refused.code, 'dead_letter_resolved');
      assert.match(String(refused.detail), /already replayed at /);
      assert.deepEqual(await queuedJobs(db, queue), [{ payload: { marker: 1 }, attempts: 0, max_attempts: 4 }]);

      const again = await service().admin('POST', `/dead_letters/${id}/replay`);
      assert.deepEqual([again.status, again.body.code], [409, 'dead_letter_resolved']);
      assert.equal((await queuedJobs(db, queue)).length, 1, 'still one job');
    });

    it('discards (kept, never replayed); a webhook whose delivery is gone is 409 and changes nothing', async () => {
      const { db } = service().database;
      const queue = `test.unserved.${randomBytes(3).toString('hex')}`;
      const [job, event] = await seedDeadLetters(db, [
        { source: 'job', name: queue, payload: {} },
        { source: 'webhook', name: 'we_1', payload: {} },
      ]);
      const discarded = await service().admin('POST', `/dead_letters/${job}/discard`);
      assert.deepEqual([discarded.status, discarded.body.status], [200, 'discarded']);
      const replay = await service().admin('POST', `/dead_letters/${job}/replay`);
      assert.deepEqual([replay.status, replay.body.code], [409, 'dead_letter_resolved']);
      assert.match(String(replay.body.detail), /already discarded/);
      assert.deepEqual(await queuedJobs(db, queue), []);

      const gone = await service().admin('POST', `/dead_letters/${event}/replay`);
      assert.deepEqual([gone.status, gone.body.code], [409, 'dead_letter_not_replayable']);
      assert.match(String(gone.body.detail), /is gone or no longer dead/);
      assert.equal((await service().admin('GET', `/dead_letters/${event}`)).body.status, 'dead');
    });

    it('an event dead letter is handed back to its consumer as a job, in the transaction that marks it', async () => {
      const { db } = service().database;
      const [letter] = await seedDeadLetters(db, [
        { source: 'event', name: 'fulfillment', payload: { id: 'evt_replayed' }, tenantId: 'ten_x' },
      ]);
      const replayed = await service().admin('POST', `/dead_letters/${letter}/replay`);
      assert.deepEqual([replayed.status, replayed.body.status], [200, 'replayed']);
      // The api-role test service runs no job worker: the job waits where the worker would take it.
      const [job] = await queuedJobs(db, 'events.replay');
      assert.deepEqual(job?.payload, {
        name: 'fulfillment',
        message_key: replayed.body.message_key,
        payload: { id: 'evt_replayed' },
      });
    });
  });
}
