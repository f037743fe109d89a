// Issue 9 §3: under overload a payment's cost is mostly its round trips to PostgreSQL
// (bench/README.md, "Statements per request"). Counted through a proxy that reads PostgreSQL's
// frontend protocol, so this fails when a change adds a statement to a payment's request path:
// adding one must be a decision (update the count here), never an accident.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createPgDatabase } from '@keelson/kit/db';
import { startPspSim } from '@keelson/psp-sim';
import { startPgWireCounter } from '../../../../packages/kit/test/support/pg-wire-counter.ts';
import { serverBackend } from '../support/databases.ts';
import { startTestService } from '../support/service.ts';
import { newKey, orderToPay, pay } from './payment-fixtures.ts';

const backend = serverBackend();
/** The key-revocation poll (every 250 ms, under a 1 s budget) shares the pool: not the payment's. */
const revocationPoll = 'SELECT id FROM api_keys WHERE revoked_at';
const setTimeoutPrefix = 'SET statement_timeout = ';

describe('round trips of a payment (PostgreSQL)', {
  skip: backend ? false : 'KEELSON_TEST_DATABASE_URL not set',
}, () => {
  it('11 statements on the request path, and no statement_timeout switch of its own', async () => {
    const server = backend ?? assert.fail('skipped without a server');
    const database = await server.create();
    after(() => database.dispose());
    const counter = await startPgWireCounter(database.url ?? assert.fail('a server database has a URL'));
    after(() => counter.close());
    const db = createPgDatabase({ url: counter.url, maxConnections: 10 });
    after(() => db.close());
    const psp = await startPspSim();
    after(() => psp.close());
    const service = await startTestService(server, { KEELSON_PSP_URL: psp.url }, 'api', { db, url: counter.url });
    after(() => service.stop());
    const { api } = await service.newTenant();
    const orders = [];
    for (let i = 0; i < 6; i += 1) orders.push(await orderToPay(api));
    const payAndCheck = async (orderId: string) => {
      const paid = await pay(api, orderId, 'pm_card_visa', newKey('pay'));
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
    };
    // The first payment warms the pool's connections (each new one SETs its timeout once).
    await payAndCheck(orders[0]?.id ?? '');
    counter.reset();
    const payments = orders.slice(1);
    for (const order of payments) await payAndCheck(order.id);
    const { byText } = counter.snapshot();

    const table = [...byText].map(([text, n]) => `${n} × ${text.slice(0, 90)}`).join('\n');
    let payment = 0;
    const switches: string[] = [];
    for (const [text, n] of byText) {
      if (text.startsWith(setTimeoutPrefix)) switches.push(text.slice(setTimeoutPrefix.length));
      else if (!text.startsWith(revocationPoll)) payment += n;
    }
    // The idempotency record, the attempt's transaction (BEGIN, the order, the payment, COMMIT),
    // the settlement's (BEGIN, the order and the payment locked, the settlement statement,
    // COMMIT), the NOTIFY after it, the idempotency record's completion.
    assert.equal(payment / payments.length, 11, `statements per payment:\n${table}`);
    // A payment's statements share its deadline's bucket (4608 ms for the default 5 s, lower only
    // for a request slower than ~0.4 s; 2048 only past 3 s); the poll's 1 s budget has its own.
    // The idempotency completion's former 2 s budget (1920) cost two SETs a payment.
    const pollBucket = '960'; // a 1 s budget's bucket (the kit's db/deadline.ts)
    for (const bucket of switches) {
      assert.ok(bucket === pollBucket || Number(bucket) >= 2_048, `a SET to ${bucket} ms:\n${table}`);
    }
  });
});
