import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@keelson/kit/config';
import { createMigrator, type Database } from '@keelson/kit/db';
import { createIdGenerator } from '@keelson/kit/ids';
import { createMetrics } from '@keelson/kit/metrics';
import { createTracing } from '@keelson/kit/telemetry';
import pino from 'pino';
import { parseCommandLine } from '../../src/adapters/cli/command-line.ts';
import { migrationsDir } from '../../src/adapters/postgres/migrations-dir.ts';
import type { Application } from '../../src/app/application.ts';
import { build } from '../../src/composition/build.ts';
import { eventReplayer, startEventFlow } from '../../src/composition/events.ts';
import { configSpec } from '../../src/config.ts';
import { newKey, orderToPay } from '../api/payment-fixtures.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';
import { unwired } from '../support/unwired.ts';

// Operator paths of the event flow over a running service (role all, in-process bus):
// `outbox republish` through the admin API, and the replay of a dead-lettered event.

const scope = () => ({ deadline: Date.now() + 10_000 });

async function rowsOf<Row>(db: Database, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  return (await db.query<Row>(scope(), sql, params)).rows;
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The replay function `keelson dlq replay` uses, over the service's database (no servers). */
async function replayerOver(db: Database, dataDir: string) {
  const config = loadConfig(configSpec, { env: { KEELSON_DATA_DIR: dataDir, KEELSON_LOG_LEVEL: 'silent' } });
  const logger = pino({ level: 'silent' });
  const built = await build(config, {
    logger,
    database: { db, migrator: createMigrator(db, migrationsDir), description: 'test' },
    migrate: false,
  });
  return eventReplayer(built.app, logger, config);
}

const unpublished = async (db: Database) =>
  (await rowsOf<{ n: number | string }>(db, 'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL'))[0]?.n;

it('parses keelson outbox republish --from ID --to ID', () => {
  assert.deepEqual(parseCommandLine(['outbox', 'republish', '--from', 'evt_A', '--to', 'evt_B']), {
    name: 'outbox republish',
    fromId: 'evt_A',
    toId: 'evt_B',
  });
  assert.throws(() => parseCommandLine(['outbox', 'republish', '--from', 'evt_A']), /missing --to/);
});

it('an unreachable broker fails the worker start instead of running without events', async () => {
  const start = async (env: Record<string, string>) => {
    const config = loadConfig(configSpec, { env: { KEELSON_LOG_LEVEL: 'silent', ...env } });
    // Nothing of the database or the application is reached before the bus is chosen.
    return startEventFlow(config, {
      db: unwired<Database>('db'),
      app: unwired<Application>('app'),
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      newId: createIdGenerator(),
      role: 'worker',
      exclusive: false,
      closers: [],
      tracing: await createTracing({ serviceName: 'test', serviceVersion: '0' }),
      flags: async (flag) => flag.fallback,
    });
  };
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  await assert.rejects(start({ KEELSON_NATS_URL: 'nats://127.0.0.1:1' }));
  await assert.rejects(start({ KEELSON_AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' }));
});

for (const backend of backends()) {
  describe(`outbox operations on ${backend.name}`, () => {
    const service = useTestService(
      backend,
      { KEELSON_FULFILLMENT_DELAY_MS: '1', KEELSON_CONSUMER_MAX_DELIVERIES: '2' },
      'all',
    );

    it('republish sends a range again; the consumers apply nothing twice', async () => {
      const { api } = await service().newTenant();
      const order = await orderToPay(api);
      const paid = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': newKey('pay') } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.ok(paid.data, JSON.stringify(paid.error));
      const db = service().database.db;
      const ofOrder = () =>
        rowsOf<{ id: string; type: string; published: boolean }>(
          db,
          `SELECT id, type, published_at IS NOT NULL AS published FROM outbox
           WHERE aggregate_id = $1 ORDER BY aggregate_version`,
          [order.id],
        );
      await eventually('order.fulfilled published', async () => {
        const rows = await ofOrder();
        return rows.length === 3 && rows.every((r) => r.published);
      });
      const [first, , last] = await ofOrder();
      const answer = await service().admin('POST', '/outbox/republish', { from: first?.id, to: last?.id });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.object, 'outbox_republish');
      // Other tests' events may fall inside the range: at least this order's three were handed back.
      assert.ok(Number(answer.body.republished) >= 3, JSON.stringify(answer.body));
      await eventually('the range published again', async () => Number(await unpublished(db)) === 0);
      const types = (await ofOrder()).map((r) => r.type);
      assert.deepEqual(types, ['order.created', 'order.paid', 'order.fulfilled'], 'no second fulfillment');

      const bad = await service().admin('POST', '/outbox/republish', { from: last?.id, to: first?.id });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'invalid_request');
      const notIds = await service().admin('POST', '/outbox/republish', { from: 'ord_1', to: 'evt_2' });
      assert.equal(notIds.status, 400);
    });

    it('a poison event is dead-lettered after maxDeliveries while others flow; replay applies once', async () => {
      const { api, tenantId } = await service().newTenant();
      const db = service().database.db;
      const poisonId = `evt_${'0'.repeat(10)}${Date.now().toString(36).toUpperCase().padStart(16, '0')}`.slice(0, 30);
      // order.paid naming an order that does not exist: the consumer fails on every delivery.
      await db.query(
        scope(),
        `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data)
         VALUES ($1, $2, 'order.paid', 'order', 'ord_missing', 2, now(), '{}')`,
        [poisonId, tenantId],
      );
      const order = await orderToPay(api);
      const paid = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': newKey('pay') } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.ok(paid.data, JSON.stringify(paid.error));
      await eventually('the healthy order to be fulfilled', async () => {
        const got = await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
        return got.data?.status === 'fulfilled';
      });
      await eventually('the poison to be dead-lettered', async () => Number(await unpublished(db)) === 0);
      const [dead] = await rowsOf<{
        name: string;
        message_key: string;
        attempts: number;
        payload: unknown;
        status: string;
      }>(
        db,
        "SELECT name, message_key, attempts, payload, status, last_error FROM dead_letters WHERE source = 'event' AND message_key = $1",
        [poisonId],
      );
      assert.ok(dead, 'a dead letter was written');
      assert.equal(dead.name, 'fulfillment');
      assert.equal(dead.attempts, 2, 'after KEELSON_CONSUMER_MAX_DELIVERIES deliveries');
      assert.equal(dead.status, 'dead');

      const replay = await replayerOver(db, service().dataDir);
      const signal = new AbortController().signal;
      await assert.rejects(replay(dead, signal), { code: 'order_not_found' }, 'still failing: the entry stays dead');
      // The same entry once its cause is gone (here: it names a real, unpaid order): applied once.
      const fixed = { ...dead, payload: { ...(dead.payload as object), aggregateId: order.id } };
      const pending = await orderToPay(api);
      const onPending = { ...dead, payload: { ...(dead.payload as object), aggregateId: pending.id } };
      assert.equal(await replay(onPending, signal), 'unchanged', 'an unpaid order has nothing to ship');
      assert.equal(await replay(onPending, signal), 'duplicate', 'a second replay applies nothing');
      assert.equal(await replay(fixed, signal), 'duplicate', 'the inbox is keyed by (consumer, event id)');
    });
  });
}
