import type { Database } from '@keelson/kit/db';
import type { LedgerReader, PaymentLedgerTotals } from '../../app/ports.ts';
import type { Currency } from '../../domain/money.ts';
import type { PaymentStatus } from '../../domain/payment.ts';
import { pageOf } from './cursor.ts';

interface TotalsRow {
  tenant_id: string;
  payment_id: string;
  provider_payment_id: string | null;
  status: string;
  currency: string;
  amount: number;
  amount_refunded: number;
  captured: number;
  refunded: number;
  refunds: { refund_id: string; provider_refund_id: string | null; amount: number }[];
}

// Only what moved through provider_receivable counts: it is the account whose balance the
// provider also keeps, so these are the figures `ledger verify` can hold against it.
const totalsSql = `SELECT p.tenant_id, p.id AS payment_id, p.provider_payment_id, p.status, p.currency, p.amount,
         p.amount_refunded, t.captured, t.refunded, r.refunds
  FROM (
    SELECT tenant_id, payment_id,
           COALESCE(sum(amount) FILTER (WHERE kind = 'capture' AND direction = 'debit'), 0)::int8 AS captured,
           COALESCE(sum(amount) FILTER (WHERE kind = 'refund' AND direction = 'credit'), 0)::int8 AS refunded
    FROM ledger_entries
    WHERE account = 'provider_receivable' AND ($1::text IS NULL OR payment_id > $1)
    GROUP BY payment_id, tenant_id
    ORDER BY payment_id
    LIMIT $2
  ) AS t
  JOIN payments p ON p.tenant_id = t.tenant_id AND p.id = t.payment_id
  CROSS JOIN LATERAL (
    SELECT COALESCE(json_agg(json_build_object(
             'refund_id', e.refund_id, 'provider_refund_id', f.provider_refund_id, 'amount', e.amount)
             ORDER BY e.refund_id), '[]') AS refunds
    FROM ledger_entries e JOIN refunds f ON f.tenant_id = e.tenant_id AND f.id = e.refund_id
    WHERE e.tenant_id = p.tenant_id AND e.payment_id = p.id
      AND e.kind = 'refund' AND e.account = 'provider_receivable' AND e.direction = 'credit') AS r
  ORDER BY t.payment_id`;

/** The ledger's read model for `ledger verify`, over every tenant; each read is one statement. */
export function createLedgerPgReader(db: Database): LedgerReader {
  return {
    async balances(ctx) {
      const { rows } = await db.query<{ currency: string; debits: number; credits: number }>(
        ctx,
        `SELECT currency,
                COALESCE(sum(amount) FILTER (WHERE direction = 'debit'), 0)::int8 AS debits,
                COALESCE(sum(amount) FILTER (WHERE direction = 'credit'), 0)::int8 AS credits
         FROM ledger_entries GROUP BY currency ORDER BY currency`,
      );
      // Only validated currencies are ever posted.
      return rows.map((row) => ({ currency: row.currency as Currency, debits: row.debits, credits: row.credits }));
    },

    async totalsByPayment(ctx, page) {
      const { rows } = await db.query<TotalsRow>(ctx, totalsSql, [page.startingAfter ?? null, page.limit + 1]);
      const totals = rows.map(
        (row): PaymentLedgerTotals => ({
          tenantId: row.tenant_id,
          paymentId: row.payment_id,
          providerPaymentId: row.provider_payment_id,
          // The table CHECKs statuses; currencies were validated when the payment began.
          status: row.status as PaymentStatus,
          currency: row.currency as Currency,
          amount: row.amount,
          amountRefunded: row.amount_refunded,
          captured: row.captured,
          refunded: row.refunded,
          refunds: row.refunds.map((r) => ({
            refundId: r.refund_id,
            providerRefundId: r.provider_refund_id,
            amount: r.amount,
          })),
        }),
      );
      return pageOf(totals, page.limit);
    },
  };
}
