import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Journal, memoryJournal } from '../src/journal.ts';
import { type Change, type IdempotencyRecord, idempotencyRetentionMs, Ledger } from '../src/ledger.ts';
import { createPaymentIntent } from '../src/payment-intents.ts';
import { testCard } from '../src/test-cards.ts';

function visaIntent(nowMs: number): readonly Change[] {
  const details = testCard('pm_card_visa');
  assert.ok(details !== undefined);
  return createPaymentIntent(
    {
      amount: 100,
      currency: 'usd',
      card: { token: 'pm_card_visa', details },
      confirm: true,
      failOnAuthentication: false,
      metadata: {},
      description: null,
      captureMethod: 'automatic',
    },
    nowMs,
  ).changes;
}

function answer(createdAt: number): IdempotencyRecord {
  return {
    scope: 's',
    key: 'k',
    endpoint: 'POST /v1/refunds',
    fingerprint: '[]',
    status: 200,
    body: '{}',
    requestId: 'req_1',
    createdAt,
  };
}

/** A journal that records what it was given and fails on demand. */
function recordingJournal(replayed: readonly unknown[] = []): Journal & { entries: unknown[]; failNext: boolean } {
  const journal = {
    ...memoryJournal(),
    replayed,
    entries: [] as unknown[],
    failNext: false,
    async append(entry: object) {
      if (journal.failNext) throw new Error('disk full');
      journal.entries.push(JSON.parse(JSON.stringify(entry)));
    },
  };
  return journal;
}

describe('psp-sim ledger', () => {
  it('a failed journal write changes nothing: memory never holds what a restart would forget', async () => {
    const journal = recordingJournal();
    const ledger = new Ledger(journal, Date.now);
    journal.failNext = true;
    await assert.rejects(
      ledger.transact(() => ({ result: 'x', changes: visaIntent(Date.now()) })),
      /disk full/,
    );
    assert.deepEqual(ledger.snapshot(), { payment_intents: [], refunds: [] });
    journal.failNext = false;
    await ledger.transact(() => ({ result: 'y', changes: visaIntent(Date.now()) }));
    assert.equal(ledger.snapshot().payment_intents.length, 1, 'the next unit of work still runs');
  });

  it('replays what it journaled, and a charge with its stored answer is one entry', async () => {
    const journal = recordingJournal();
    const ledger = new Ledger(journal, Date.now);
    await ledger.transact(() => ({
      result: undefined,
      changes: [...visaIntent(Date.now()), { kind: 'idempotency', record: answer(Date.now()) }],
    }));
    assert.equal(journal.entries.length, 1);
    const reopened = new Ledger(recordingJournal(journal.entries), Date.now);
    assert.deepEqual(reopened.snapshot(), ledger.snapshot());
    assert.ok(ledger.storedResponse('s', 'k') !== undefined);
    assert.deepEqual(reopened.storedResponse('s', 'k'), ledger.storedResponse('s', 'k'));
  });

  it('keeps stored answers 24 hours, then forgets them (live and on replay)', async () => {
    let now = 1_000_000;
    const journal = recordingJournal();
    const ledger = new Ledger(journal, () => now);
    await ledger.transact(() => ({ result: undefined, changes: [{ kind: 'idempotency', record: answer(now) }] }));
    now += idempotencyRetentionMs - 1;
    assert.ok(ledger.storedResponse('s', 'k') !== undefined);
    assert.ok(new Ledger(recordingJournal(journal.entries), () => now).storedResponse('s', 'k') !== undefined);
    now += 1;
    assert.equal(ledger.storedResponse('s', 'k'), undefined);
    assert.equal(new Ledger(recordingJournal(journal.entries), () => now).storedResponse('s', 'k'), undefined);
  });

  it('runs one unit of work at a time, each against the state the previous one left', async () => {
    const ledger = new Ledger(recordingJournal(), Date.now);
    const seen = await Promise.all(
      Array.from({ length: 5 }, () =>
        ledger.transact(() => {
          const count = ledger.snapshot().payment_intents.length;
          return { result: count, changes: visaIntent(Date.now()) };
        }),
      ),
    );
    assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  });
});
