import assert from 'node:assert/strict';
import { test } from 'node:test';
import { budgetChecked, budgetMs, setTimeoutSql, timeoutBucketMs } from '../src/db/deadline.ts';
import type { Queryable } from '../src/db/index.ts';
import { AppError } from '../src/errors/index.ts';
import { fc } from './support/properties.ts';

const now = Date.parse('2030-01-01T00:00:00Z');

function isDeadlineExceeded(error: unknown): boolean {
  return error instanceof AppError && error.kind === 'deadline_exceeded' && error.code === 'deadline_exceeded';
}

test('budgetMs: the whole milliseconds left before the deadline', () => {
  assert.equal(budgetMs({ deadline: now + 1 }, now), 1);
  assert.equal(budgetMs({ deadline: now + 5_000 }, now), 5_000);
  assert.equal(budgetMs({ deadline: now + 5_000.9 }, now), 5_000);
});

test('budgetMs: deadline_exceeded at and after the deadline', () => {
  assert.throws(() => budgetMs({ deadline: now }, now), isDeadlineExceeded);
  assert.throws(() => budgetMs({ deadline: now }, now + 1), isDeadlineExceeded);
  // Less than a whole millisecond left is no budget for a statement.
  assert.throws(() => budgetMs({ deadline: now + 0.5 }, now), isDeadlineExceeded);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 10 ** 9 }), (deadline, late) => {
      assert.throws(() => budgetMs({ deadline }, deadline + late), isDeadlineExceeded);
    }),
  );
});

test('timeoutBucketMs: never longer than the budget, at least 1 and at least 7/8 of it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10 ** 7 }), (left) => {
      const bucket = timeoutBucketMs(left);
      assert.ok(Number.isInteger(bucket), `${left} → ${bucket}`);
      assert.ok(bucket >= 1 && bucket <= left, `${left} → ${bucket}`);
      assert.ok(bucket * 8 >= left * 7, `${left} → ${bucket} is below 7/8`);
    }),
  );
});

test('timeoutBucketMs: a fractional budget rounds down, never up', () => {
  fc.assert(
    fc.property(fc.double({ min: 1, max: 10 ** 7, noNaN: true }), (left) => {
      const bucket = timeoutBucketMs(left);
      assert.ok(Number.isInteger(bucket) && bucket >= 1 && bucket <= left, `${left} → ${bucket}`);
    }),
  );
});

test('timeoutBucketMs: a longer budget never gets a shorter timeout', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10 ** 7 }), fc.integer({ min: 0, max: 10 ** 6 }), (left, more) => {
      return timeoutBucketMs(left) <= timeoutBucketMs(left + more);
    }),
  );
});

test('timeoutBucketMs: similar budgets share a bucket, so pooled connections rarely need a new SET', () => {
  const buckets = new Set<number>();
  for (let left = 4_500; left <= 5_100; left += 1) buckets.add(timeoutBucketMs(left));
  assert.ok(buckets.size <= 2, `4500..5100 ms gave ${buckets.size} buckets: ${[...buckets].join(', ')}`);
  // The values the TSDoc promises.
  assert.equal(timeoutBucketMs(4_990), 4_608);
  assert.equal(timeoutBucketMs(100), 96);
});

test('setTimeoutSql: an integer of at least 1 ms, inlined', () => {
  assert.equal(setTimeoutSql(4_608), 'SET statement_timeout = 4608');
  assert.equal(setTimeoutSql(4_608.7), 'SET statement_timeout = 4608');
  assert.equal(setTimeoutSql(0), 'SET statement_timeout = 1');
});

test('budgetChecked: no statement starts once the deadline has passed', async () => {
  const statements: string[] = [];
  const tx: Queryable = {
    async query<Row>(sql: string) {
      statements.push(sql);
      const rows: Row[] = [];
      return { rows, rowCount: 0 };
    },
  };
  const live = budgetChecked(tx, { deadline: Date.now() + 60_000 });
  await live.query('SELECT 1');
  assert.deepEqual(statements, ['SELECT 1']);

  const expired = budgetChecked(tx, { deadline: Date.now() - 1 });
  // Whether it throws or rejects is the wrapper's business; callers await either way.
  await assert.rejects(async () => expired.query('SELECT 2'), isDeadlineExceeded);
  assert.deepEqual(statements, ['SELECT 1']);
});
