import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Database } from '@keelson/kit/db';
import { newKey, orderToPay, refund } from '../api/payment-fixtures.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';

// The event flow end to end on the in-process bus, through the public API: the service runs the
// `all` role (API + relay + consumers) over each backend.

const scope = () => ({ deadline: Date.now() + 10_000 });

interface EventRow {
  readonly id: string;
  readonly type: string;
  readonly aggregate_version: number;
  readonly headers: Record<string, string>;
  readonly published_at: Date | null;
}

async function eventsOf(db: Database, orderId: string): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    scope(),
    `SELECT id, type, aggregate_version, headers, published_at FROM outbox
     WHERE aggregate_type = 'order' AND aggregate_id = $1 ORDER BY aggregate_version`,
    [orderId],
  );
  return rows;
}

async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const backend of backends()) {
  describe(`fulfillment through the event flow on ${backend.name}`, () => {
    const service = useTestService(backend, { KEELSON_FULFILLMENT_DELAY_MS: '10' }, 'all');

    it('a paid order becomes fulfilled, once, with order.fulfilled carrying the request id and traceparent', async () => {
      const { api } = await service().newTenant();
      const order = await orderToPay(api);
      const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      const paid = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': newKey('pay') } },
        body: { payment_method: 'pm_card_visa' },
        headers: { traceparent },
      });
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
      const requestId = paid.response.headers.get('x-request-id') ?? assert.fail('no request id');

      const fulfilled = await eventually(
        'the order to be fulfilled',
        async () => (await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } })).data?.status,
        (status) => status === 'fulfilled',
      );
      assert.equal(fulfilled, 'fulfilled');
      const db = service().database.db;
      const events = await eventually(
        'order.fulfilled to be published',
        () => eventsOf(db, order.id),
        (rows) => rows.length === 3 && rows.every((r) => r.published_at !== null),
      );
      assert.deepEqual(
        events.map((e) => e.type),
        ['order.created', 'order.paid', 'order.fulfilled'],
      );
      const [, paidEvent, fulfilledEvent] = events;
      assert.deepEqual(paidEvent?.headers, { 'x-request-id': requestId, traceparent });
      assert.deepEqual(fulfilledEvent?.headers, paidEvent?.headers, 'the consumer carries the cause on');

      // Redelivered (as `outbox republish` or a broker would): the inbox absorbs it.
      await db.query(scope(), 'UPDATE outbox SET published_at = NULL WHERE id = $1', [paidEvent?.id]);
      await eventually(
        'the redelivery to be handled',
        () => eventsOf(db, order.id),
        (rows) => rows.every((r) => r.published_at !== null),
      );
      const after = await eventsOf(db, order.id);
      assert.equal(after.filter((e) => e.type === 'order.fulfilled').length, 1, 'fulfilled once');
      const { rows } = await db.query(scope(), 'SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2', [
        'fulfillment',
        paidEvent?.id,
      ]);
      assert.equal(rows.length, 1);

      const metrics = await (await fetch(`${service().adminUrl}/metrics`)).text();
      assert.match(metrics, /^outbox_lag_seconds \d/m, 'the lag gauge is exposed');
      const published = Number(/^outbox_published_total (\d+)/m.exec(metrics)?.[1]);
      assert.ok(published >= 4, `published count on /metrics (${published})`);
    });

    it('a fulfilled order can still be refunded', async () => {
      const { api } = await service().newTenant();
      const order = await orderToPay(api);
      const paid = await api.POST('/v1/orders/{id}/payments', {
        params: { path: { id: order.id }, header: { 'Idempotency-Key': newKey('pay') } },
        body: { payment_method: 'pm_card_visa' },
      });
      assert.ok(paid.data, JSON.stringify(paid.error));
      await eventually(
        'the order to be fulfilled',
        async () => (await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } })).data?.status,
        (status) => status === 'fulfilled',
      );
      const refunded = await refund(api, paid.data.id, { amount: 500 }, newKey('refund'));
      assert.equal(refunded.response.status, 201, JSON.stringify(refunded.error));
      const after = await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
      assert.equal(after.data?.status, 'partially_refunded');
    });
  });
}
