import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIdGenerator } from '@keelson/kit/ids';
import { outboxPruneBatch, prunePublishedOutbox } from '../../src/adapters/postgres/outbox-retention.ts';
import { backends } from '../support/databases.ts';

// The daily outbox prune: published rows older than the retention go, in batches; unpublished
// rows (not yet relayed) and recently published ones stay, whatever their age.

const scope = () => ({ deadline: Date.now() + 30_000 });

for (const backend of backends()) {
  describe(`outbox retention (${backend.name})`, () => {
    it('deletes only rows published before the cut-off, across several batches', async () => {
      const { db } = await backend.open();
      const newId = createIdGenerator();
      const day = 86_400_000;
      const now = Date.now();
      const insert = (count: number, occurredAgo: number, publishedAgo: number | null) =>
        db.query(
          scope(),
          `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, published_at)
           SELECT $1 || lpad(g::text, 6, '0'), 'ten_x', 'order.created', 'order', 'ord_x', g, $2::timestamptz, '{}'::jsonb, $3::timestamptz
           FROM generate_series(1, $4::int) AS g`,
          [
            newId('evt'),
            new Date(now - occurredAgo),
            publishedAgo === null ? null : new Date(now - publishedAgo),
            count,
          ],
        );
      const old = outboxPruneBatch * 2 + 5;
      await insert(old, 10 * day, 9 * day);
      await insert(3, 10 * day, null);
      await insert(4, 10 * day, day);
      const pruned = await prunePublishedOutbox(db, scope(), new Date(now - 7 * day));
      assert.equal(pruned, old);
      const { rows } = await db.query<{ published: boolean; n: number }>(
        scope(),
        'SELECT published_at IS NOT NULL AS published, count(*)::int AS n FROM outbox GROUP BY 1 ORDER BY 1',
      );
      assert.deepEqual(rows, [
        { published: false, n: 3 },
        { published: true, n: 4 },
      ]);
    });
  });
}
