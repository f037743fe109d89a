import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Order } from '../../src/domain/order.ts';
import { backends } from '../support/databases.ts';
import {
  appError,
  seedProduct,
  seedTenant,
  snapshot,
  sqlScope,
  testContext,
  useRepositories,
} from '../support/repository-fixtures.ts';

/**
 * The Database contract the repositories lean on: deadlines become a session
 * `statement_timeout` of at least 7/8 of the time left and never more (ADR 0005), checked
 * before every statement and surfaced as `deadline_exceeded`, and `Queryable` results look
 * the same on both drivers.
 */
for (const backend of backends()) {
  describe(`Database contract on ${backend.name}`, () => {
    const repos = useRepositories(backend);

    describe('deadline', () => {
      it('refuses a transaction whose deadline has passed, without running the work', async () => {
        const fx = repos();
        let ran = false;

        await assert.rejects(
          async () =>
            fx.db.transaction({ deadline: Date.now() - 1 }, async () => {
              ran = true;
            }),
          appError('deadline_exceeded', 'deadline_exceeded'),
        );

        assert.equal(ran, false);
      });

      it('reports a passed deadline as a rejected promise, never a synchronous throw', async () => {
        const fx = repos();
        const expired = { ...testContext(), deadline: Date.now() - 1 };
        let viaDatabase: Promise<unknown> = Promise.resolve();
        let viaRepository: Promise<unknown> = Promise.resolve();

        assert.doesNotThrow(() => {
          viaDatabase = fx.db.transaction(expired, async () => undefined);
        });
        // Repositories return db.transaction(...) from non-async methods: same exposure.
        assert.doesNotThrow(() => {
          viaRepository = fx.products.get(expired, 'ten_x', 'prod_x');
        });

        await assert.rejects(viaDatabase, appError('deadline_exceeded'));
        await assert.rejects(viaRepository, appError('deadline_exceeded'));
      });

      if (backend.name === 'postgres') {
        it('cancels a statement that outlives the budget (statement_timeout) as deadline_exceeded', async () => {
          const fx = repos();
          const started = Date.now();

          await assert.rejects(
            // 300 ms: the server's timeout (7/8 of it and more) must come before the client's backstop.
            fx.db.transaction({ deadline: Date.now() + 300 }, (tx) => tx.query('SELECT pg_sleep(2)')),
            (error: unknown) => {
              appError('deadline_exceeded', 'deadline_exceeded')(error);
              // The server cancelled the statement: query_canceled, not a client-side give-up.
              const cause: unknown = error instanceof Error ? error.cause : undefined;
              assert.ok(
                typeof cause === 'object' && cause !== null && 'code' in cause,
                'the driver error is kept as cause',
              );
              assert.equal(cause.code, '57014');
              return true;
            },
          );

          assert.ok(Date.now() - started < 1_500, `statement ran ${Date.now() - started} ms`);
        });

        it('runs every statement under a timeout of at least 7/8 of the time left and never more, on reused connections', async () => {
          const fx = repos();
          const seen: number[] = [];
          // Alternate short and long budgets so pooled connections carry over the other's setting.
          for (const budget of [80, 20_000, 300, 5_000, 80, 20_000]) {
            const issued = Date.now();
            const { rows } = await fx.db.query<{ ms: string }>(
              { deadline: issued + budget },
              "SELECT current_setting('statement_timeout') AS ms",
            );
            // The adapter sized the timeout at some point during this call, so with at least
            // `budget - elapsed` ms left.
            const leastLeft = budget - (Date.now() - issued);
            const ms = Number.parseInt(rows[0]?.ms ?? '', 10);
            seen.push(ms);
            assert.ok(
              ms <= budget && ms * 8 >= leastLeft * 7,
              `budget ${budget} ms (≥ ${leastLeft} ms left) ran under statement_timeout ${rows[0]?.ms}`,
            );
          }
          assert.ok(new Set(seen).size > 1, 'the timeout follows the budget');
        });
      } else {
        it('cannot cancel a running statement on PGlite, but refuses the next one after the deadline', async () => {
          const fx = repos();
          let slowFinished = false;

          // Characterises PGlite 0.5: the single-threaded WASM backend has no timer interrupt
          // to cancel a running statement, so only the per-statement budget checks apply.
          await assert.rejects(
            fx.db.transaction({ deadline: Date.now() + 50 }, async (tx) => {
              await tx.query('SELECT pg_sleep(0.3)');
              slowFinished = true;
              await tx.query('SELECT 1');
            }),
            { name: 'AppError', code: 'deadline_exceeded' },
          );
          assert.equal(slowFinished, true);
        });
      }

      it('gives up at the deadline while blocked behind another transaction, writing nothing', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        const product = await seedProduct(fx, tenantId, { stock: 5 });
        const before = await snapshot(fx, tenantId);
        let releaseHolder = () => {};
        const held = new Promise<void>((resolve) => {
          releaseHolder = resolve;
        });
        let locked = () => {};
        const isLocked = new Promise<void>((resolve) => {
          locked = resolve;
        });
        // Holds the product row (PostgreSQL) or the single session (PGlite) for 400 ms.
        const holder = fx.db.transaction(sqlScope(), async (tx) => {
          await tx.query('SELECT 1 FROM products WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, product.id]);
          locked();
          await held;
        });
        await isLocked;
        const started = Date.now();
        const timer = setTimeout(releaseHolder, 400);

        const lines = [{ productId: product.id, quantity: 1 }];
        let decisions = 0;
        try {
          // On PostgreSQL the order is priced and written before it queues for the product's lock
          // (ADR 0018); the decision that counts, on the locked row, must never be reached.
          await assert.rejects(
            fx.orders.place({ ...testContext(), deadline: Date.now() + 100 }, tenantId, lines, (products) => {
              decisions += 1;
              return Order.place({ id: fx.newId('ord'), tenantId, lines, products, now: new Date(), ttlMs: 60_000 });
            }),
            appError('deadline_exceeded', 'deadline_exceeded'),
          );
          assert.ok(decisions <= 1, 'the decision on the locked row ran although its deadline had passed');
        } finally {
          clearTimeout(timer);
          releaseHolder();
          await holder;
        }

        assert.ok(Date.now() - started >= 90, 'gave up before its deadline');
        assert.deepEqual(await snapshot(fx, tenantId), before);
      });

      it('refuses a statement issued after the deadline has passed', async () => {
        const fx = repos();

        await assert.rejects(
          fx.db.transaction({ deadline: Date.now() + 60 }, async (tx) => {
            await sleep(100);
            await tx.query('SELECT 1');
          }),
          appError('deadline_exceeded', 'deadline_exceeded'),
        );
      });

      if (backend.name === 'postgres') {
        it('bounds the whole transaction by the budget, not each statement', async () => {
          const fx = repos();

          // Each sleep fits the 300 ms budget, together they do not.
          await assert.rejects(
            fx.db.transaction({ deadline: Date.now() + 300 }, async (tx) => {
              await tx.query('SELECT pg_sleep(0.2)');
              await tx.query('SELECT pg_sleep(0.2)');
            }),
            appError('deadline_exceeded', 'deadline_exceeded'),
          );
        });
      }
    });

    describe('Queryable results', () => {
      it('counts the rows an UPDATE touched in rowCount', async () => {
        const fx = repos();
        const tenantId = await seedTenant(fx);
        await seedProduct(fx, tenantId);
        await seedProduct(fx, tenantId);

        const result = await fx.db.transaction(sqlScope(), (tx) =>
          tx.query('UPDATE products SET stock = stock WHERE tenant_id = $1', [tenantId]),
        );

        assert.equal(result.rowCount, 2);
      });

      it('counts the rows a SELECT returned in rowCount, as node-postgres does', async () => {
        const fx = repos();

        const result = await fx.db.transaction(sqlScope(), (tx) => tx.query('SELECT generate_series(1, 3) AS n'));

        assert.equal(result.rows.length, 3);
        assert.equal(result.rowCount, 3);
      });

      it('returns int8 as number and timestamptz as Date', async () => {
        const fx = repos();

        const { rows } = await fx.db.transaction(sqlScope(), (tx) =>
          tx.query<{ big: unknown; at: unknown }>(
            "SELECT 99999999999::int8 AS big, '2025-01-02T03:04:05.678Z'::timestamptz AS at",
          ),
        );

        assert.equal(rows[0]?.big, 99_999_999_999);
        assert.deepEqual(rows[0]?.at, new Date('2025-01-02T03:04:05.678Z'));
      });
    });
  });
}
