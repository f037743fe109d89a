import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContext } from '@keelson/kit/context';
import { AppError } from '@keelson/kit/errors';
import pino from 'pino';
import { type VerifyLedgerDeps, verifyLedger } from '../../src/app/payments/verify-ledger.ts';
import type {
  LedgerReader,
  LedgerTotalsPage,
  PaymentLedgerTotals,
  PendingScan,
  ProviderCharge,
} from '../../src/app/ports.ts';
import type { CurrencyBalance } from '../../src/domain/ledger.ts';
import { parseCurrency } from '../../src/domain/money.ts';
import type { PaymentState } from '../../src/domain/payment.ts';
import type { RefundState } from '../../src/domain/refund.ts';

// Hand-written fakes of the three ports verifyLedger reads, each recording what it was asked.

const eur = parseCurrency('EUR');

/** A succeeded, captured, unrefunded payment of 1500 EUR, with whatever `change` says. */
function totals(change: Partial<PaymentLedgerTotals> & { paymentId: string }): PaymentLedgerTotals {
  return {
    tenantId: 'ten_1',
    providerPaymentId: `pi_${change.paymentId}`,
    status: 'succeeded',
    currency: eur,
    amount: 1500,
    amountRefunded: 0,
    captured: 1500,
    refunded: 0,
    refunds: [],
    ...change,
  };
}

/** Pages of `payments` in id order, as the PostgreSQL reader answers them. */
function fakeLedger(payments: readonly PaymentLedgerTotals[], balances?: readonly CurrencyBalance[]) {
  const pages: LedgerTotalsPage[] = [];
  const sorted = payments.toSorted((a, b) => (a.paymentId < b.paymentId ? -1 : 1));
  const reader: LedgerReader = {
    balances: async () => balances ?? [{ currency: eur, debits: 0, credits: 0 }],
    totalsByPayment: async (_ctx, page) => {
      pages.push(page);
      const after = sorted.filter((t) => page.startingAfter === undefined || t.paymentId > page.startingAfter);
      return { items: after.slice(0, page.limit), hasMore: after.length > page.limit };
    },
  };
  return { ...reader, pages };
}

/** The provider's side: a charge, a failure to throw, or (absent) an unknown id. */
function fakeProvider(charges: ReadonlyMap<string, ProviderCharge | Error>) {
  const asked: string[] = [];
  return {
    asked,
    retrieveCharge: async (_ctx: unknown, id: string) => {
      asked.push(id);
      const answer = charges.get(id);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const created = new Date('2030-06-01T11:00:00.000Z');

function pendingPayment(p: { id: string; amount: number }): PaymentState {
  return {
    id: p.id,
    tenantId: 'ten_1',
    orderId: 'ord_1',
    amount: p.amount,
    currency: eur,
    status: 'pending',
    amountRefunded: 0,
    paymentMethod: 'pm_card_visa',
    failureCode: null,
    failureMessage: null,
    declineCode: null,
    providerPaymentId: null,
    idempotencyKey: `key-${p.id}`,
    version: 1,
    createdAt: created,
    updatedAt: created,
  };
}

function pendingRefund(r: { id: string; paymentId: string; amount: number }): RefundState {
  return {
    id: r.id,
    tenantId: 'ten_1',
    paymentId: r.paymentId,
    orderId: 'ord_1',
    amount: r.amount,
    currency: eur,
    status: 'pending',
    reason: null,
    providerRefundId: null,
    failureCode: null,
    failureMessage: null,
    idempotencyKey: `key-${r.id}`,
    version: 1,
    createdAt: created,
    updatedAt: created,
  };
}

const now = new Date('2030-06-01T12:00:00.000Z');
const ctx = () => createContext({ requestId: 'verify', timeoutMs: 5_000, logger: pino({ level: 'silent' }) });

function setup(
  options: {
    payments?: readonly PaymentLedgerTotals[];
    charges?: ReadonlyMap<string, ProviderCharge | Error>;
    balances?: readonly CurrencyBalance[];
    pending?: Parameters<typeof pendingPayment>[0][];
    pendingRefunds?: Parameters<typeof pendingRefund>[0][];
  } = {},
) {
  const ledger = fakeLedger(options.payments ?? [], options.balances);
  const provider = fakeProvider(options.charges ?? new Map());
  const scans: PendingScan[] = [];
  const deps: VerifyLedgerDeps = {
    ledger,
    provider,
    payments: {
      listPending: async (_ctx, scan) => {
        scans.push(scan);
        return (options.pending ?? []).map(pendingPayment);
      },
      listPendingRefunds: async (_ctx, scan) => {
        scans.push(scan);
        return (options.pendingRefunds ?? []).map(pendingRefund);
      },
    },
    clock: { now: () => new Date(now) },
  };
  return { verify: verifyLedger(deps), ledger, provider, scans };
}

/** What the provider says when it agrees with `t`. */
function agreeing(t: PaymentLedgerTotals): ProviderCharge {
  return {
    providerPaymentId: t.providerPaymentId ?? '',
    status: 'succeeded',
    amount: t.amount,
    amountReceived: t.captured,
    amountRefunded: t.refunded,
    currency: t.currency,
    keelsonPaymentId: t.paymentId,
  };
}

describe('verifyLedger', () => {
  it('pages through every payment with postings and asks the provider about each once', async () => {
    const payments = Array.from({ length: 230 }, (_, i) => totals({ paymentId: `pay_${String(i).padStart(4, '0')}` }));
    const charges = new Map(payments.map((t) => [t.providerPaymentId ?? '', agreeing(t)]));
    const { verify, ledger, provider } = setup({ payments, charges });
    const report = await verify(ctx(), { pendingOlderThanMs: 60_000 });
    assert.deepEqual(report, {
      ok: true,
      currencies: [{ currency: 'EUR', debits: 0, credits: 0, balanced: true }],
      checkedPayments: 230,
      discrepancies: [],
    });
    assert.deepEqual(
      ledger.pages.map((p) => [p.limit, p.startingAfter]),
      [
        [100, undefined],
        [100, 'pay_0099'],
        [100, 'pay_0199'],
      ],
    );
    assert.deepEqual(
      provider.asked.toSorted(),
      payments.map((t) => t.providerPaymentId),
    );
  });

  it('names each kind of disagreement with our figure and theirs', async () => {
    const refundedThere = totals({ paymentId: 'pay_refund' });
    const shortThere = totals({ paymentId: 'pay_short' });
    const gone = totals({ paymentId: 'pay_gone' });
    const otherCurrency = totals({ paymentId: 'pay_usd' });
    const rowDisagrees = totals({ paymentId: 'pay_row', amountRefunded: 300 });
    const noId = totals({ paymentId: 'pay_noid', providerPaymentId: null });
    const down = totals({ paymentId: 'pay_down' });
    const charges = new Map<string, ProviderCharge | Error>([
      [refundedThere.providerPaymentId ?? '', { ...agreeing(refundedThere), amountRefunded: 400 }],
      [shortThere.providerPaymentId ?? '', { ...agreeing(shortThere), amountReceived: 1000 }],
      [otherCurrency.providerPaymentId ?? '', { ...agreeing(otherCurrency), currency: 'USD' }],
      [rowDisagrees.providerPaymentId ?? '', agreeing(rowDisagrees)],
      [down.providerPaymentId ?? '', new AppError('unavailable', 'payment_provider_unavailable', 'breaker open')],
    ]);
    const { verify } = setup({
      payments: [refundedThere, shortThere, gone, otherCurrency, rowDisagrees, noId, down],
      charges,
      balances: [{ currency: eur, debits: 3000, credits: 2900 }],
    });
    const report = await verify(ctx(), { pendingOlderThanMs: 60_000 });
    assert.equal(report.ok, false);
    assert.deepEqual(report.currencies, [{ currency: 'EUR', debits: 3000, credits: 2900, balanced: false }]);
    assert.equal(report.checkedPayments, 7);
    assert.deepEqual(
      report.discrepancies.map((d) => [d.kind, d.paymentId, d.ours, d.theirs]),
      [
        ['unbalanced', null, 3000, 2900],
        // Then per payment, in payment id order.
        ['unverified', 'pay_down', 1500, null],
        ['missing_at_provider', 'pay_gone', 1500, null],
        ['missing_at_provider', 'pay_noid', 1500, null],
        ['refund_mismatch', 'pay_refund', 0, 400],
        ['posting_mismatch', 'pay_row', 0, 300],
        ['amount_mismatch', 'pay_short', 1500, 1000],
        ['currency_mismatch', 'pay_usd', null, null],
      ],
    );
    const refund = report.discrepancies.find((d) => d.paymentId === 'pay_refund');
    assert.deepEqual(
      [refund?.tenantId, refund?.providerPaymentId, refund?.currency],
      ['ten_1', 'pi_pay_refund', 'EUR'],
    );
    assert.match(report.discrepancies[1]?.detail ?? '', /breaker open/);
    assert.match(report.discrepancies.at(-1)?.detail ?? '', /EUR here, USD at the provider/);
  });

  it('reports payments and refunds still pending past the threshold (the scans ask for exactly those)', async () => {
    const { verify, scans } = setup({
      pending: [{ id: 'pay_stuck', amount: 700 }],
      pendingRefunds: [{ id: 're_stuck', paymentId: 'pay_refunded', amount: 200 }],
    });
    const report = await verify(ctx(), { pendingOlderThanMs: 90_000 });
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.discrepancies.map((d) => [d.kind, d.paymentId, d.ours, d.theirs]),
      [
        ['stale_pending', 'pay_stuck', 700, null],
        ['stale_pending_refund', 'pay_refunded', 200, null],
      ],
    );
    assert.match(report.discrepancies[1]?.detail ?? '', /re_stuck/);
    assert.deepEqual(
      scans.map((s) => s.olderThan.toISOString()),
      [new Date(now.getTime() - 90_000).toISOString(), new Date(now.getTime() - 90_000).toISOString()],
    );
  });

  it('fails, instead of reporting, when its own deadline passes mid-way', async () => {
    const t = totals({ paymentId: 'pay_late' });
    const { verify } = setup({
      payments: [t],
      charges: new Map([[t.providerPaymentId ?? '', new Error('aborted')]]),
    });
    const expired = { ...ctx(), signal: AbortSignal.abort() };
    await assert.rejects(verify(expired, { pendingOlderThanMs: 60_000 }), /aborted/);
  });
});
