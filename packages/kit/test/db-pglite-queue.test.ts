import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createPgliteDatabase, type Database } from '../src/db/index.ts';
import { isAppError } from '../src/errors/index.ts';
import { deferred } from './http-test-support.ts';

// PGlite has one session, so callers queue for it. A caller's place in that queue is bounded by
// its deadline: it gets deadline_exceeded then, not whenever the call ahead of it finishes.

let db: Database;
before(async () => {
  db = await createPgliteDatabase({});
});
after(() => db.close());

it('a call queued behind a long transaction is answered deadline_exceeded at its deadline', async () => {
  const gate = deferred();
  const holding = db.transaction({ deadline: Date.now() + 30_000 }, async (tx) => {
    await tx.query('SELECT 1');
    await gate.promise;
    return tx.query<{ n: number }>('SELECT 2 AS n');
  });
  try {
    for (const call of [
      (deadline: number) => db.query({ deadline }, 'SELECT 1'),
      (deadline: number) => db.transaction({ deadline }, (tx) => tx.query('SELECT 1')),
      (deadline: number) => db.ping(deadline - Date.now()),
    ]) {
      const started = Date.now();
      await assert.rejects(
        call(started + 200),
        (error: unknown) => isAppError(error) && error.code === 'deadline_exceeded',
      );
      // Generous for a loaded CI machine; without the bound the call waits for the holder (forever here).
      assert.ok(Date.now() - started < 200 + 1_500, `answered after ${Date.now() - started} ms`);
    }
    assert.equal(db.stats().waiting, 0, 'the calls that gave up left the queue');
  } finally {
    gate.resolve();
  }
  assert.deepEqual((await holding).rows, [{ n: 2 }]);
  const { rows } = await db.query({ deadline: Date.now() + 5_000 }, 'SELECT 3 AS n');
  assert.deepEqual(rows, [{ n: 3 }]);
});
