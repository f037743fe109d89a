import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inboxTableSql, inboxTableUndoSql } from '@keelson/kit/inbox';
import { outboxRelaySupportSql, outboxRelaySupportUndoSql } from '@keelson/kit/outbox';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';

// The kit exports what its outbox relay and inbox need; the service ships it as migration 006.
// A migration is a frozen copy by design, so the two are held equal here rather than shared.
test('migration 006 is exactly the kit outbox relay support and inbox DDL', () => {
  const read = (name: string) => readFileSync(join(migrationsDir, name), 'utf8');
  assert.equal(read('006.do.outbox-relay-inbox.sql').trim(), `${outboxRelaySupportSql}\n${inboxTableSql}`.trim());
  assert.equal(
    read('006.undo.outbox-relay-inbox.sql').trim(),
    `${inboxTableUndoSql}${outboxRelaySupportUndoSql}`.trim(),
  );
});
