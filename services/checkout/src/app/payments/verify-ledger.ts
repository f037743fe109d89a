import type { RequestContext } from '@keelson/kit/context';
import type { CurrencyBalance } from '../../domain/ledger.ts';
import type {
  Clock,
  LedgerReader,
  PaymentLedgerTotals,
  PaymentProvider,
  PaymentRepository,
  ProviderCharge,
} from '../ports.ts';

export interface VerifyLedgerInput {
  /** Payments and refunds pending longer than this are reported: reconcile should have settled them. */
  readonly pendingOlderThanMs: number;
}

/**
 * What disagrees, and what `ours` and `theirs` then hold (minor units, or null when a side
 * has no figure):
 * - `unbalanced`: a currency's debits ≠ credits; `ours` the debits, `theirs` the credits, no payment.
 * - `posting_mismatch`: the postings ≠ the payment row; `ours` the postings, `theirs` the row.
 * - `missing_at_provider`: the provider knows no such PaymentIntent; `ours` what we captured.
 * - `amount_mismatch`: `ours` captured, `theirs` the provider's amount_received.
 * - `refund_mismatch`: `ours` refunded, `theirs` the provider's amount_refunded.
 * - `currency_mismatch`: the provider charged another currency (`detail` names both).
 * - `unverified`: the provider could not be asked (down, breaker open), so nothing is known.
 * - `stale_pending` / `stale_pending_refund`: still pending past the threshold; `ours` its amount.
 */
export type LedgerDiscrepancyKind =
  | 'unbalanced'
  | 'posting_mismatch'
  | 'missing_at_provider'
  | 'amount_mismatch'
  | 'refund_mismatch'
  | 'currency_mismatch'
  | 'unverified'
  | 'stale_pending'
  | 'stale_pending_refund';

export interface LedgerDiscrepancy {
  readonly kind: LedgerDiscrepancyKind;
  /** Null for a finding about a whole currency (`unbalanced`). */
  readonly paymentId: string | null;
  readonly tenantId: string | null;
  readonly providerPaymentId: string | null;
  readonly currency: string;
  readonly ours: number | null;
  readonly theirs: number | null;
  /** For people: what disagrees with what. */
  readonly detail: string;
}

export interface LedgerReport {
  /** Nothing disagrees. */
  readonly ok: boolean;
  readonly currencies: readonly (CurrencyBalance & { readonly balanced: boolean })[];
  /** Payments with postings held against their row and the provider. */
  readonly checkedPayments: number;
  readonly discrepancies: readonly LedgerDiscrepancy[];
}

export interface VerifyLedgerDeps {
  readonly ledger: LedgerReader;
  readonly provider: Pick<PaymentProvider, 'retrieveCharge'>;
  readonly payments: Pick<PaymentRepository, 'listPending' | 'listPendingRefunds'>;
  readonly clock: Clock;
}

const pageSize = 100;
// Provider reads in flight at once: a page of lookups overlaps without nearing the bulkhead or
// a real provider's rate limit.
const lookupsInFlight = 4;
/** Stale items reported per kind, oldest first; past that the report is already not ok. */
const staleLimit = 100;

/**
 * `keelson ledger verify`: per currency debits = credits; for every payment with postings, the
 * captured and refunded totals agree with the payment row and with the provider's PaymentIntent
 * and Charge; nothing is left pending past `pendingOlderThanMs`. Spans every tenant.
 */
export function verifyLedger(deps: VerifyLedgerDeps) {
  return async (ctx: RequestContext, input: VerifyLedgerInput): Promise<LedgerReport> => {
    const balances = await deps.ledger.balances(ctx);
    const discrepancies: LedgerDiscrepancy[] = balances
      .filter((b) => b.debits !== b.credits)
      .map((b) => ({
        ...nobody,
        kind: 'unbalanced',
        currency: b.currency,
        ours: b.debits,
        theirs: b.credits,
        detail: `${b.currency} debits ${b.debits} ≠ credits ${b.credits}`,
      }));
    let checkedPayments = 0;
    let startingAfter: string | undefined;
    for (;;) {
      const page = await deps.ledger.totalsByPayment(ctx, {
        limit: pageSize,
        ...(startingAfter ? { startingAfter } : {}),
      });
      for (const found of await inBatches(page.items, (totals) => checkPayment(ctx, deps.provider, totals))) {
        discrepancies.push(...found);
      }
      checkedPayments += page.items.length;
      startingAfter = page.items.at(-1)?.paymentId;
      if (!page.hasMore || startingAfter === undefined) break;
    }
    const scan = { olderThan: new Date(deps.clock.now().getTime() - input.pendingOlderThanMs), limit: staleLimit };
    for (const p of await deps.payments.listPending(ctx, scan)) {
      const since = p.createdAt.toISOString();
      const detail = `payment pending since ${since}; reconcile has not settled it`;
      discrepancies.push({ ...nobody, ...of(p), kind: 'stale_pending', ours: p.amount, detail });
    }
    for (const r of await deps.payments.listPendingRefunds(ctx, scan)) {
      const detail = `refund ${r.id} pending since ${r.createdAt.toISOString()}; reconcile has not settled it`;
      discrepancies.push({
        ...nobody,
        ...of(r),
        paymentId: r.paymentId,
        kind: 'stale_pending_refund',
        ours: r.amount,
        detail,
      });
    }
    return {
      ok: discrepancies.length === 0,
      currencies: balances.map((b) => ({ ...b, balanced: b.debits === b.credits })),
      checkedPayments,
      discrepancies,
    };
  };
}

const nobody = { paymentId: null, tenantId: null, providerPaymentId: null, ours: null, theirs: null };

function of(item: { readonly id: string; readonly tenantId: string; readonly currency: string }) {
  return { paymentId: item.id, tenantId: item.tenantId, currency: item.currency };
}

async function checkPayment(
  ctx: RequestContext,
  provider: VerifyLedgerDeps['provider'],
  t: PaymentLedgerTotals,
): Promise<LedgerDiscrepancy[]> {
  const found: LedgerDiscrepancy[] = [];
  const add = (kind: LedgerDiscrepancyKind, ours: number | null, theirs: number | null, detail: string) =>
    found.push({
      ...of({ ...t, id: t.paymentId }),
      providerPaymentId: t.providerPaymentId,
      kind,
      ours,
      theirs,
      detail,
    });
  // Only a succeeded payment captures, and then its whole amount.
  const rowCaptured = t.status === 'succeeded' ? t.amount : 0;
  if (t.captured !== rowCaptured) {
    add(
      'posting_mismatch',
      t.captured,
      rowCaptured,
      `capture postings ${t.captured}, ${t.status} payment row ${rowCaptured}`,
    );
  }
  if (t.refunded !== t.amountRefunded) {
    add(
      'posting_mismatch',
      t.refunded,
      t.amountRefunded,
      `refund postings ${t.refunded}, amount_refunded ${t.amountRefunded}`,
    );
  }
  if (t.providerPaymentId === null) {
    add('missing_at_provider', t.captured, null, 'captured, but no provider PaymentIntent id was recorded');
    return found;
  }
  let charge: ProviderCharge | undefined;
  try {
    charge = await provider.retrieveCharge(ctx, t.providerPaymentId);
  } catch (error) {
    // Out of time: the rest of the report could not be made either, so it is not a finding.
    if (ctx.signal.aborted) throw error;
    add(
      'unverified',
      t.captured,
      null,
      `the provider could not be asked: ${error instanceof Error ? error.message : String(error)}`,
    );
    return found;
  }
  if (charge === undefined) {
    add('missing_at_provider', t.captured, null, `the provider knows no PaymentIntent ${t.providerPaymentId}`);
    return found;
  }
  if (charge.currency !== t.currency) {
    add('currency_mismatch', null, null, `${t.currency} here, ${charge.currency} at the provider`);
  }
  if (charge.amountReceived !== t.captured) {
    add(
      'amount_mismatch',
      t.captured,
      charge.amountReceived,
      `captured ${t.captured}, provider received ${charge.amountReceived}`,
    );
  }
  if (charge.amountRefunded !== t.refunded) {
    add(
      'refund_mismatch',
      t.refunded,
      charge.amountRefunded,
      `refunded ${t.refunded}, provider refunded ${charge.amountRefunded}`,
    );
  }
  return found;
}

/** `work` over `items`, at most `lookupsInFlight` at a time, results in item order. */
async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += lookupsInFlight) {
    results.push(...(await Promise.all(items.slice(start, start + lookupsInFlight).map(work))));
  }
  return results;
}
