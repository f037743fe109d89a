import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createPgliteDatabase } from '@keelson/kit/db';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../generated/checkout-api.ts';
import { type ServiceProcess, serviceEnv, startServiceProcess, tempDir } from '../support/service-process.ts';

// Embedded durability of the event flow: `keelson serve` (role all, in-process bus) is stopped
// three times right after payments committed, while their order.paid events are still being
// consumed (the simulated shipping step takes 300 ms): kill -9, then SIGTERM (a graceful stop with
// messages in flight), then kill -9, each time restarted on the same data directory. Every
// order.paid must end up consumed exactly once: one inbox row, one order.fulfilled.

const demoBanner = /Demo tenant (ten_\S+) was created with this API key[\s\S]*?\n\s+(key_[0-9A-Z]+\.[\w-]+)\n/;
const ordersPerRound = 8;

type Api = Client<paths>;

async function payRound(api: Api, productId: string, round: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < ordersPerRound; i += 1) {
    const placed = await api.POST('/v1/orders', { body: { lines: [{ product_id: productId, quantity: 1 }] } });
    ids.push(placed.data?.id ?? assert.fail(JSON.stringify(placed.error)));
  }
  const paid = await Promise.all(
    ids.map((id) =>
      api.POST('/v1/orders/{id}/payments', {
        params: { path: { id }, header: { 'Idempotency-Key': `crash-${round}-${id}` } },
        body: { payment_method: 'pm_card_visa' },
      }),
    ),
  );
  assert.deepEqual(
    paid.map((p) => p.response.status),
    ids.map(() => 201),
  );
  return ids;
}

describe('embedded event flow survives kill -9', () => {
  const dir = tempDir();
  const started: ServiceProcess[] = [];
  after(async () => {
    for (const service of started) await service.kill();
    dir.remove();
  });

  it('every committed order.paid is consumed exactly once across two crashes and a graceful stop', {
    timeout: 300_000,
  }, async () => {
    const start = async () => {
      const settings = await serviceEnv({ dataDir: dir.path });
      const service = await startServiceProcess(
        {
          ...settings,
          env: { ...settings.env, KEELSON_FULFILLMENT_DELAY_MS: '300', KEELSON_OUTBOX_POLL_INTERVAL_MS: '200' },
        },
        { readyTimeoutMs: 60_000 },
      );
      started.push(service);
      return service;
    };
    const first = await start();
    const [, , token] = await first.waitForStdout(demoBanner, 5_000);
    const client = (service: ServiceProcess) =>
      createClient<paths>({ baseUrl: service.apiUrl, headers: { authorization: `Bearer ${token}` } });
    const product = await client(first).POST('/v1/products', {
      body: { sku: 'crash-mug', name: 'Mug', unit_amount: 900, currency: 'EUR', stock: 1_000 },
    });
    const productId = product.data?.id ?? assert.fail(JSON.stringify(product.error));

    const orders: string[] = [];
    orders.push(...(await payRound(client(first), productId, 1)));
    await first.kill(); // the shipping of the last payments is still sleeping: mid-flow
    const second = await start();
    orders.push(...(await payRound(client(second), productId, 2)));
    // A graceful stop mid-flow: the relay finishes (or gives back) its batch, consumers drain.
    assert.deepEqual(await second.stop(20_000), { code: 0, signal: null }, second.describe());
    const closed = second
      .logLines()
      .filter((l) => l.msg === 'shutdown: closed')
      .map((l) => l.closer);
    assert.ok(closed.includes('event-flow'), `the event flow closed cleanly: ${closed.join(', ')}`);
    const third = await start();
    orders.push(...(await payRound(client(third), productId, 3)));
    await third.kill();
    const fourth = await start();
    const api = client(fourth);
    const until = Date.now() + 60_000;
    for (;;) {
      const statuses = await Promise.all(
        orders.map(async (id) => (await api.GET('/v1/orders/{id}', { params: { path: { id } } })).data?.status),
      );
      if (statuses.every((s) => s === 'fulfilled')) break;
      if (Date.now() > until) assert.fail(`not all fulfilled: ${statuses.join(', ')}\n${fourth.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Let the relay mark the last order.fulfilled rows published (no consumer takes them).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(await fourth.stop(), { code: 0, signal: null }, fourth.describe());
    // What each restart found claimed by the killed process: proof the kills landed mid-flow.
    const leftClaimed = [second, fourth].map((s) =>
      Number(s.logLines().find((l) => l.msg === 'outbox relay: ended leases a previous run left')?.released ?? 0),
    );
    console.log(`[events crash] rows claimed by the killed process, found at each restart: ${leftClaimed.join(', ')}`);
    assert.ok(
      leftClaimed.some((n) => n > 0),
      'at least one kill hit a batch in flight',
    );

    const db = await createPgliteDatabase({ dataDir: join(dir.path, 'pgdata') });
    try {
      const scope = { deadline: Date.now() + 10_000 };
      const { rows } = await db.query<{ aggregate_id: string; type: string; n: number; consumed: number }>(
        scope,
        `SELECT o.aggregate_id, o.type, count(*)::int AS n,
                count(i.event_id)::int AS consumed
         FROM outbox o LEFT JOIN inbox i ON i.consumer = 'fulfillment' AND i.event_id = o.id
         WHERE o.aggregate_id = ANY($1::text[]) AND o.type IN ('order.paid', 'order.fulfilled')
         GROUP BY o.aggregate_id, o.type`,
        [orders],
      );
      const per = new Map(rows.map((r) => [`${r.aggregate_id} ${r.type}`, r]));
      const problems = orders.flatMap((id) => {
        const paid = per.get(`${id} order.paid`);
        const fulfilled = per.get(`${id} order.fulfilled`);
        const found: string[] = [];
        if (paid?.n !== 1 || paid.consumed !== 1)
          found.push(`${id}: order.paid ${paid?.n} rows, consumed ${paid?.consumed}`);
        if (fulfilled?.n !== 1) found.push(`${id}: ${fulfilled?.n ?? 0} order.fulfilled`);
        return found;
      });
      assert.deepEqual(problems, [], 'each order.paid consumed once, each order fulfilled once');
      const left = await db.query<{ n: number }>(
        scope,
        "SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int + (SELECT count(*) FROM dead_letters WHERE source = 'event')::int AS n",
      );
      assert.equal(left.rows[0]?.n, 0, 'nothing left unpublished, nothing dead-lettered');
    } finally {
      await db.close();
    }
  });
});
