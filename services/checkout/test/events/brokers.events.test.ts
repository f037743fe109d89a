// The event flow end to end on the real brokers, through the public API: the service runs the
// `all` role on real PostgreSQL with KEELSON_NATS_URL or KEELSON_AMQP_URL, each suite under its
// own event prefix (stream, exchange and queues of its own, deleted afterwards). The in-process
// bus runs the same flow in fulfillment.events.test.ts.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Database } from '@keelson/kit/db';
import { newKey, orderToPay } from '../api/payment-fixtures.ts';
import { brokerTargets, serviceConsumers } from '../support/brokers.ts';
import { serverBackend } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

const scope = () => ({ deadline: Date.now() + 10_000 });
const backend = serverBackend();

async function orderEvents(db: Database, orderId: string) {
  const { rows } = await db.query<{ id: string; type: string; published_at: Date | null }>(
    scope(),
    `SELECT id, type, published_at FROM outbox WHERE aggregate_type = 'order' AND aggregate_id = $1
     ORDER BY aggregate_version`,
    [orderId],
  );
  return rows;
}

async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const broker of brokerTargets()) {
  const skip = backend === undefined ? 'KEELSON_TEST_DATABASE_URL is not set' : broker.skip;
  describe(`the event flow on ${broker.name} (PostgreSQL)`, { skip }, () => {
    if (backend === undefined || broker.skip !== false) return;
    const { prefix, env } = broker.prepare();
    const service = useTestService(backend, { ...env, KEELSON_FULFILLMENT_DELAY_MS: '10' }, 'all');
    after(() => broker.cleanup(prefix, serviceConsumers));

    it('pays orders that the fulfillment consumer fulfils once each, with every event published', async () => {
      const { api } = await service().newTenant();
      const orders = await Promise.all(Array.from({ length: 5 }, () => orderToPay(api)));
      for (const order of orders) {
        const paid = await api.POST('/v1/orders/{id}/payments', {
          params: { path: { id: order.id }, header: { 'Idempotency-Key': newKey('pay') } },
          body: { payment_method: 'pm_card_visa' },
        });
        assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
      }
      const db = service().database.db;
      for (const order of orders) {
        const events = await eventually(
          `order ${order.id} fulfilled and its events published`,
          () => orderEvents(db, order.id),
          (rows) => rows.length === 3 && rows.every((row) => row.published_at !== null),
        );
        assert.deepEqual(
          events.map((event) => event.type),
          ['order.created', 'order.paid', 'order.fulfilled'],
        );
      }

      // Every paid event handled once; republishing them all (as `outbox republish` does) changes nothing.
      await db.query(scope(), "UPDATE outbox SET published_at = NULL WHERE type = 'order.paid'");
      await eventually(
        'the republished events to be published again',
        async () => (await db.query(scope(), 'SELECT 1 FROM outbox WHERE published_at IS NULL')).rows.length,
        (unpublished) => unpublished === 0,
      );
      const { rows } = await db.query<{ consumer: string; handled: string }>(
        scope(),
        'SELECT consumer, count(*)::text AS handled FROM inbox GROUP BY consumer',
      );
      assert.deepEqual(rows, [{ consumer: 'fulfillment', handled: String(orders.length) }]);
      for (const order of orders) {
        const types = (await orderEvents(db, order.id)).map((event) => event.type);
        assert.equal(types.filter((type) => type === 'order.fulfilled').length, 1, `${order.id} fulfilled once`);
      }
    });
  });
}
