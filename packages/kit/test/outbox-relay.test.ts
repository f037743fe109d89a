import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Database } from '../src/db/index.ts';
import {
  createOutboxRelay,
  notifyingOutboxWrites,
  type OutboxRelay,
  type OutboxRelayOptions,
  outboxRowsWritten,
} from '../src/outbox/index.ts';
import { eventually, insertEvents, outboxSetupSql, recordingBus, unpublishedCount } from './support/outbox-fixtures.ts';
import { type OwnedDatabase, testEngines } from './support/test-databases.ts';

const logger = pino({ level: 'silent' });

for (const engine of testEngines()) {
  describe(`outbox relay on ${engine.name}`, () => {
    let owned: OwnedDatabase | undefined;
    const db = (): Database => owned?.db ?? assert.fail('no database');
    const relays: OutboxRelay[] = [];
    const relay = (options: Partial<OutboxRelayOptions> & Pick<OutboxRelayOptions, 'bus'>): OutboxRelay => {
      const created = createOutboxRelay({
        db: db(),
        logger,
        batchSize: 7,
        pollIntervalMs: 50,
        leaseMs: 10_000,
        ...options,
      });
      relays.push(created);
      return created;
    };
    const stopAll = async () => {
      await Promise.all(relays.splice(0).map((r) => r.stop(2_000)));
    };

    before(async () => {
      owned = await engine.create(outboxSetupSql);
    });
    after(async () => {
      await stopAll();
      await owned?.dispose();
    });

    it('three racing relays publish every committed row once, each aggregate in version order', async () => {
      const bus = recordingBus();
      const aggregates = Array.from({ length: 12 }, (_, i) => `agg_race_${i}`);
      // Half the rows exist before the relays start, half are written while they run.
      const before = await Promise.all(aggregates.map((a) => insertEvents(db(), a, 1, 5)));
      for (let i = 0; i < 3; i += 1) await relay({ bus }).start();
      const during = await Promise.all(aggregates.map((a) => insertEvents(db(), a, 6, 10)));
      const expected = [...before.flat(), ...during.flat()];
      await eventually('every row published', async () => (await unpublishedCount(db())) === 0);
      await stopAll();

      const counts = new Map<string, number>();
      for (const m of bus.published) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
      assert.equal(counts.size, expected.length, 'every committed row was published');
      assert.deepEqual(
        [...counts.values()].filter((n) => n !== 1),
        [],
        'no row was published twice',
      );
      for (const aggregate of aggregates) {
        const versions = bus.published.filter((m) => m.aggregateId === aggregate).map((m) => m.aggregateVersion);
        assert.deepEqual(versions, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], `${aggregate} in version order`);
      }
      const first = bus.published[0] ?? assert.fail('nothing published');
      assert.equal(first.headers['x-request-id'], `req_${first.id}`, 'headers travel');
    });

    it('a failing bus leaves rows unpublished; they are published once it recovers', async () => {
      const bus = recordingBus();
      bus.failing = true;
      await relay({ bus, retryBaseMs: 5, retryMaxMs: 20 }).start();
      const ids = await insertEvents(db(), 'agg_outage', 1, 4);
      await eventually('several failed attempts', () => bus.calls >= 3);
      assert.equal(await unpublishedCount(db()), 4, 'nothing is marked published while the bus fails');
      bus.failing = false;
      await eventually('backlog drained', async () => (await unpublishedCount(db())) === 0);
      await stopAll();
      assert.deepEqual(
        bus.published.map((m) => m.id),
        ids,
      );
    });

    it('NOTIFY wakes the relay long before its poll interval', async () => {
      const bus = recordingBus();
      // A first look at start-up (it publishes the warm-up row, written without a NOTIFY), then
      // only a NOTIFY can bring the relay back within the hour.
      const [warmUp] = await insertEvents(db(), 'agg_warm_up', 1, 1);
      await relay({ bus, pollIntervalMs: 3_600_000 }).start();
      await eventually('the start-up look ran', () => bus.published.some((m) => m.id === warmUp));
      // Written as the service writes: through the database that notifies after each commit.
      const writes = notifyingOutboxWrites(db(), logger);
      const ids = await insertEvents(writes.db, 'agg_notify', 1, 1);
      await eventually('published on NOTIFY', () => bus.published.some((m) => m.id === ids[0]), 15_000);
      await stopAll();
      await writes.close();
    });

    it('only a transaction that wrote outbox rows sends a NOTIFY after its commit', async () => {
      // The statements the notifier sends, recorded on the way to the real database.
      const notifies: string[] = [];
      const recording: Database = {
        ...db(),
        query: (scope, sql, params) => {
          if (sql.includes('pg_notify')) notifies.push(sql);
          return db().query(scope, sql, params);
        },
      };
      const deadline = () => ({ deadline: Date.now() + 5_000 });
      const quiet = notifyingOutboxWrites(recording, logger);
      await quiet.db.transaction(deadline(), (tx) => tx.query('SELECT 1'));
      await quiet.close(); // waits for a NOTIFY in flight, had there been one
      assert.deepEqual(notifies, [], 'no outbox row, no NOTIFY');
      const writing = notifyingOutboxWrites(recording, logger);
      await writing.db.transaction(deadline(), async (tx) => {
        await tx.query('SELECT 1');
        outboxRowsWritten(tx);
      });
      await writing.close();
      assert.equal(notifies.length, 1, 'one NOTIFY after the commit of a transaction that wrote rows');
      const rollingBack = notifyingOutboxWrites(recording, logger);
      await assert.rejects(
        rollingBack.db.transaction(deadline(), async (tx) => {
          outboxRowsWritten(tx);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      await rollingBack.close();
      assert.equal(notifies.length, 1, 'a rolled-back transaction notifies nothing');
    });

    it('a claim abandoned by a killed relay is taken again when its lease ends, or at once by an exclusive relay', async () => {
      const bus = recordingBus();
      const ids = await insertEvents(db(), 'agg_lease', 1, 2);
      // What a relay killed between claim and mark leaves behind.
      await db().query(
        { deadline: Date.now() + 5_000 },
        "UPDATE outbox SET claimed_until = now() + interval '1 hour' WHERE id = ANY($1::text[])",
        [ids],
      );
      const polling = relay({ bus });
      await polling.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(bus.published.length, 0, 'a live lease is respected');
      await stopAll();
      await relay({ bus, exclusive: true }).start();
      await eventually('published by the exclusive relay', () => bus.published.length === 2);
      await stopAll();
      assert.deepEqual(
        bus.published.map((m) => m.aggregateVersion),
        [1, 2],
      );
    });
  });
}
