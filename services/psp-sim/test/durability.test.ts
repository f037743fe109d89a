import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { journalFileName, startPspSim } from '../src/index.ts';
import { ledger, postForm, startSim, uniqueKey, visaPayment } from './support.ts';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'psp-sim-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('psp-sim durable ledger', () => {
  it('a restart on the same directory forgets no charge, refund or idempotent answer', async (t) => {
    const dir = await tempDir(t);
    const payKey = uniqueKey('durable-pay');
    const refundKey = uniqueKey('durable-refund');
    const before = await startPspSim({ dataDir: dir });
    const payment = await postForm(
      before,
      '/v1/payment_intents',
      { ...visaPayment, amount: '1000', 'metadata[keelson_payment_id]': 'pay_d' },
      { 'idempotency-key': payKey },
    );
    const declined = await postForm(before, '/v1/payment_intents', {
      ...visaPayment,
      payment_method: 'pm_card_chargeDeclined',
    });
    const refund = await postForm(
      before,
      '/v1/refunds',
      { payment_intent: String(payment.json.id), amount: '300' },
      { 'idempotency-key': refundKey },
    );
    assert.deepEqual([payment.status, declined.status, refund.status], [200, 402, 200]);
    const book = await ledger(before);
    await before.close();

    const after = await startSim(t, dir);
    assert.equal(after.ledgerLocation, join(dir, journalFileName));
    assert.deepEqual(await ledger(after), book);
    const replayedPayment = await postForm(
      after,
      '/v1/payment_intents',
      { ...visaPayment, amount: '1000', 'metadata[keelson_payment_id]': 'pay_d' },
      { 'idempotency-key': payKey },
    );
    assert.equal(replayedPayment.text, payment.text);
    assert.equal(replayedPayment.headers.get('idempotent-replayed'), 'true');
    const replayedRefund = await postForm(
      after,
      '/v1/refunds',
      { payment_intent: String(payment.json.id), amount: '300' },
      { 'idempotency-key': refundKey },
    );
    assert.equal(replayedRefund.text, refund.text);
    const reused = await postForm(
      after,
      '/v1/refunds',
      { payment_intent: String(payment.json.id), amount: '1' },
      { 'idempotency-key': refundKey },
    );
    assert.equal(reused.status, 400, 'the stored fingerprint survived too');

    // What was refunded before the restart still counts.
    const rest = await postForm(after, '/v1/refunds', { payment_intent: String(payment.json.id) });
    assert.equal(rest.json.amount, 700);
    const retrieved = await fetch(`${after.url}/v1/payment_intents/${String(payment.json.id)}`, {
      headers: { authorization: 'Bearer sk_test_x' },
    });
    assert.equal(await retrieved.text(), payment.text);
  });

  it('cuts off a torn last line (a crash mid-write) and keeps appending cleanly', async (t) => {
    const dir = await tempDir(t);
    const first = await startPspSim({ dataDir: dir });
    const payment = await postForm(first, '/v1/payment_intents', visaPayment);
    await first.close();
    await appendFile(join(dir, journalFileName), '{"v":1,"changes":[{"kind":"payment_int');

    const second = await startPspSim({ dataDir: dir });
    assert.deepEqual(
      (await ledger(second)).payment_intents.map((pi) => pi.id),
      [payment.json.id],
    );
    await postForm(second, '/v1/payment_intents', visaPayment);
    await second.close();

    const third = await startSim(t, dir);
    assert.equal((await ledger(third)).payment_intents.length, 2);
    const lines = (await readFile(join(dir, journalFileName), 'utf8')).split('\n');
    assert.equal(lines.at(-1), '', 'the file ends with a complete line');
    assert.ok(lines.slice(0, -1).every((line) => JSON.parse(line) !== undefined));
  });

  it('refuses to start on a damaged journal rather than forget charges', async (t) => {
    const dir = await tempDir(t);
    await writeFile(join(dir, journalFileName), 'garbage\n{"v":1,"changes":[]}\n');
    await assert.rejects(startPspSim({ dataDir: dir }), /not a journal entry/);
    await writeFile(join(dir, journalFileName), '{"v":2,"changes":[]}\n');
    await assert.rejects(startPspSim({ dataDir: dir }), /unknown journal entry version/);
  });

  it('without a directory the ledger lives in memory', async (t) => {
    const sim = await startSim(t);
    assert.equal(sim.ledgerLocation, 'memory');
  });
});
