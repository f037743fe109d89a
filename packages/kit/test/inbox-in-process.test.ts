import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Database } from '../src/db/index.ts';
import { createInProcessBus, type Delivery } from '../src/events/index.ts';
import { consumerSubscribeOptions, recordInInbox } from '../src/inbox/index.ts';
import { createOutboxRelay } from '../src/outbox/index.ts';
import { eventually, insertEvents, outboxSetupSql, unpublishedCount } from './support/outbox-fixtures.ts';
import { type OwnedDatabase, testEngines } from './support/test-databases.ts';

const logger = pino({ level: 'silent' });
const scope = () => ({ deadline: Date.now() + 10_000 });

/** The idempotent effect every test consumer applies: one `effects` row, recorded with the inbox row. */
async function applyOnce(db: Database, consumer: string, delivery: Delivery): Promise<boolean> {
  return db.transaction(scope(), async (tx) => {
    if (!(await recordInInbox(tx, consumer, delivery.message.id, new Date()))) return false;
    await tx.query('INSERT INTO effects (consumer, event_id, applied_at) VALUES ($1, $2, now())', [
      consumer,
      delivery.message.id,
    ]);
    return true;
  });
}

async function effectCounts(db: Database, consumer: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ event_id: string; n: number | string }>(
    scope(),
    'SELECT event_id, count(*) AS n FROM effects WHERE consumer = $1 GROUP BY event_id',
    [consumer],
  );
  return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
}

const policy = (consumer: string, maxDeliveries = 3) => ({
  consumer,
  types: '*' as const,
  concurrency: 4,
  maxDeliveries,
  baseBackoffMs: 2,
  maxBackoffMs: 10,
});

for (const engine of testEngines()) {
  describe(`inbox and in-process bus on ${engine.name}`, () => {
    let owned: OwnedDatabase | undefined;
    const db = (): Database => owned?.db ?? assert.fail('no database');
    before(async () => {
      owned = await engine.create(outboxSetupSql);
    });
    after(() => owned?.dispose());

    it('a redelivered event applies its effect once', async () => {
      const bus = createInProcessBus();
      const outcomes: boolean[] = [];
      await bus.subscribe(
        consumerSubscribeOptions(policy('redelivery'), async () => {}),
        async (delivery) => void outcomes.push(await applyOnce(db(), 'redelivery', delivery)),
      );
      const [id] = await insertEvents(db(), 'agg_redelivered', 1, 1);
      const relay = createOutboxRelay({ db: db(), bus, logger, batchSize: 10, pollIntervalMs: 20, leaseMs: 10_000 });
      await relay.start();
      await eventually('published', async () => (await unpublishedCount(db())) === 0);
      // The broker's redelivery, or `outbox republish`: the same event reaches the consumer again.
      await db().query(scope(), 'UPDATE outbox SET published_at = NULL WHERE id = $1', [id]);
      relay.wake();
      await eventually('republished', async () => (await unpublishedCount(db())) === 0);
      await relay.stop(1_000);
      await bus.close();
      assert.deepEqual(outcomes, [true, false]);
      assert.equal((await effectCounts(db(), 'redelivery')).get(id ?? ''), 1);
    });

    it('a poison message is dead-lettered after maxDeliveries while healthy ones flow', async () => {
      const bus = createInProcessBus();
      const deadLetters: { id: string; attempt: number; error: string }[] = [];
      const poisonIds = new Set(await insertEvents(db(), 'agg_poison', 1, 1));
      const healthy = (await Promise.all([1, 2, 3, 4].map((i) => insertEvents(db(), `agg_healthy_${i}`, 1, 3)))).flat();
      let poisonAttempts = 0;
      await bus.subscribe(
        consumerSubscribeOptions(policy('poison', 4), async (delivery, error) => {
          deadLetters.push({ id: delivery.message.id, attempt: delivery.attempt, error: String(error) });
        }),
        async (delivery) => {
          if (poisonIds.has(delivery.message.id)) {
            poisonAttempts += 1;
            throw new Error('cannot handle this one');
          }
          await applyOnce(db(), 'poison', delivery);
        },
      );
      const relay = createOutboxRelay({ db: db(), bus, logger, batchSize: 5, pollIntervalMs: 20, leaseMs: 10_000 });
      await relay.start();
      await eventually('all published', async () => (await unpublishedCount(db())) === 0);
      await relay.stop(1_000);
      await bus.close();
      assert.equal(poisonAttempts, 4);
      assert.deepEqual(
        deadLetters.map((d) => [d.id, d.attempt]),
        [[[...poisonIds][0], 4]],
      );
      const counts = await effectCounts(db(), 'poison');
      assert.deepEqual(
        healthy.map((id) => counts.get(id)),
        healthy.map(() => 1),
      );
    });

    it('stopping with messages in flight loses none and applies none twice', async () => {
      const consumer = 'shutdown';
      const ids = (await Promise.all([1, 2, 3].map((i) => insertEvents(db(), `agg_stop_${i}`, 1, 10)))).flat();
      const run = async (drainMs: number, handlerMs: number) => {
        const bus = createInProcessBus();
        const subscription = await bus.subscribe(
          consumerSubscribeOptions(policy(consumer), async () => {}),
          async (delivery) => {
            await new Promise((resolve) => setTimeout(resolve, handlerMs));
            // A handler told to give up does so before its effect, as a transaction would roll back.
            delivery.signal.throwIfAborted();
            await applyOnce(db(), consumer, delivery);
          },
        );
        const relay = createOutboxRelay({
          db: db(),
          bus,
          logger,
          batchSize: 4,
          pollIntervalMs: 20,
          leaseMs: 10_000,
          exclusive: true,
        });
        await relay.start();
        return async () => {
          // The order the service's closer uses: the relay (its batch in flight), then consumers.
          await relay.stop(drainMs);
          await subscription.stop(drainMs);
          await bus.close();
        };
      };
      // First run: stopped as soon as some effects landed, with a batch still being handled.
      const stop = await run(5_000, 15);
      await eventually('some applied', async () => (await effectCounts(db(), consumer)).size >= 5);
      await stop();
      const midway = await effectCounts(db(), consumer);
      assert.ok(midway.size < ids.length, `stopped midway (${midway.size} of ${ids.length})`);
      // Second run: a restart picks up the rest.
      const stopAgain = await run(5_000, 1);
      await eventually('all applied', async () => (await effectCounts(db(), consumer)).size === ids.length);
      await eventually('all published', async () => (await unpublishedCount(db())) === 0);
      await stopAgain();
      const counts = await effectCounts(db(), consumer);
      assert.deepEqual(
        ids.map((id) => counts.get(id)),
        ids.map(() => 1),
        'each applied exactly once',
      );
    });

    it('a consumer never runs more handlers than its concurrency, however many relays publish', async () => {
      const consumer = 'bounded';
      const ids = (
        await Promise.all(Array.from({ length: 24 }, (_, i) => insertEvents(db(), `agg_bound_${i}`, 1, 1)))
      ).flat();
      const bus = createInProcessBus();
      let running = 0;
      let most = 0;
      await bus.subscribe(
        { ...consumerSubscribeOptions(policy(consumer), async () => {}), concurrency: 2 },
        async (delivery) => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
          await applyOnce(db(), consumer, delivery);
        },
      );
      const relays = [1, 2, 3].map(() =>
        createOutboxRelay({ db: db(), bus, logger, batchSize: 4, pollIntervalMs: 20, leaseMs: 10_000 }),
      );
      for (const relay of relays) await relay.start();
      await eventually('all applied', async () => (await effectCounts(db(), consumer)).size === ids.length);
      await Promise.all(relays.map((relay) => relay.stop(1_000)));
      await bus.close();
      assert.ok(most <= 2, `at most 2 handlers at once (saw ${most})`);
    });

    it('a stop past its drain budget aborts the handlers; their events stay unpublished and apply once later', async () => {
      const consumer = 'aborted';
      const ids = await insertEvents(db(), 'agg_abort', 1, 3);
      const start = async (handlerMs: number) => {
        const bus = createInProcessBus();
        let started = 0;
        const subscription = await bus.subscribe(
          consumerSubscribeOptions(policy(consumer), async () => {}),
          async (delivery) => {
            started += 1;
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, handlerMs);
              delivery.signal.addEventListener('abort', () => {
                clearTimeout(timer);
                reject(delivery.signal.reason);
              });
            });
            await applyOnce(db(), consumer, delivery);
          },
        );
        const relay = createOutboxRelay({
          db: db(),
          bus,
          logger,
          batchSize: 10,
          pollIntervalMs: 20,
          leaseMs: 10_000,
          exclusive: true,
        });
        await relay.start();
        return {
          started: () => started,
          stop: async (drainMs: number) => {
            await relay.stop(drainMs);
            await subscription.stop(drainMs);
            await bus.close();
          },
        };
      };
      const slow = await start(60_000);
      await eventually('the first handler started', () => slow.started() > 0);
      const stopping = Date.now();
      await slow.stop(100);
      assert.ok(Date.now() - stopping < 5_000, 'the stop kept to its budget');
      assert.equal((await effectCounts(db(), consumer)).size, 0, 'nothing applied by the aborted handlers');
      assert.equal(await unpublishedCount(db()), 3, 'their rows stay unpublished');
      const leased = await db().query(scope(), 'SELECT id FROM outbox WHERE claimed_until IS NOT NULL');
      assert.equal(leased.rows.length, 0, 'and their lease was given back, so a relay may take them at once');
      const fast = await start(1);
      await eventually('applied after the restart', async () => (await effectCounts(db(), consumer)).size === 3);
      await eventually('published', async () => (await unpublishedCount(db())) === 0);
      await fast.stop(1_000);
      const counts = await effectCounts(db(), consumer);
      assert.deepEqual(
        ids.map((id) => counts.get(id)),
        [1, 1, 1],
      );
    });
  });
}
