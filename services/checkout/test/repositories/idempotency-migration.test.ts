import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { idempotencyKeysTableSql } from '@keelson/kit/idempotency';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';

// The kit exports the idempotency table's DDL; the service ships it as migration 002. A
// migration is a frozen copy by design, so the two are held equal here rather than shared.
test('migration 002 creates exactly the table the kit idempotency store expects', () => {
  const migration = readFileSync(join(migrationsDir, '002.do.idempotency-keys.sql'), 'utf8');
  assert.equal(migration.trim(), idempotencyKeysTableSql.trim());
});
