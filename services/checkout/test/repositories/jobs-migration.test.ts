import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { jobsTablesSql, jobsTablesUndoSql, jobsTraceContextSql, jobsTraceContextUndoSql } from '@keelson/kit/jobs';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';

// The kit exports the job tables' DDL; the service ships it in migration 007 (a frozen copy by
// design, followed by the service's own indexes for its upkeep jobs), held equal here.
test('migration 007 creates exactly the tables the kit jobs module expects, and its undo drops them', () => {
  const migration = readFileSync(join(migrationsDir, '007.do.jobs.sql'), 'utf8');
  assert.ok(migration.startsWith(jobsTablesSql), 'migration 007 starts with the kit DDL, unchanged');
  const undo = readFileSync(join(migrationsDir, '007.undo.jobs.sql'), 'utf8');
  assert.ok(undo.endsWith(jobsTablesUndoSql), 'migration 007 undo ends with the kit undo, unchanged');
});

test('migration 011 adds the traceparent column the kit jobs module writes, and its undo drops it', () => {
  const migration = readFileSync(join(migrationsDir, '011.do.trace-context.sql'), 'utf8');
  assert.ok(migration.includes(jobsTraceContextSql), 'migration 011 carries the kit DDL, unchanged');
  const undo = readFileSync(join(migrationsDir, '011.undo.trace-context.sql'), 'utf8');
  assert.ok(undo.includes(jobsTraceContextUndoSql), 'migration 011 undo carries the kit undo, unchanged');
});
