import type { Currency } from '../../domain/money.ts';
import type { RefundState, RefundStatus } from '../../domain/refund.ts';

export const refundColumns =
  'id, tenant_id, payment_id, order_id, amount, currency, status, reason, provider_refund_id, failure_code, failure_message, idempotency_key, version, created_at, updated_at';

export interface RefundRow {
  id: string;
  tenant_id: string;
  payment_id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  provider_refund_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  idempotency_key: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function refundFromRow(row: RefundRow): RefundState {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    paymentId: row.payment_id,
    orderId: row.order_id,
    amount: row.amount,
    // Only domain-produced statuses (CHECKed by the table) and validated currencies are written.
    currency: row.currency as Currency,
    status: row.status as RefundStatus,
    reason: row.reason,
    providerRefundId: row.provider_refund_id,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    idempotencyKey: row.idempotency_key,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `INSERT INTO refunds (${refundColumns})`'s values, $1…$15 in column order. */
export function refundValues(r: RefundState): unknown[] {
  return [
    r.id,
    r.tenantId,
    r.paymentId,
    r.orderId,
    r.amount,
    r.currency,
    r.status,
    r.reason,
    r.providerRefundId,
    r.failureCode,
    r.failureMessage,
    r.idempotencyKey,
    r.version,
    r.createdAt,
    r.updatedAt,
  ];
}

/** What settling may change; the rest of a refund is fixed when it begins. */
export const updateRefundSql = `UPDATE refunds SET status = $3, provider_refund_id = $4, failure_code = $5, failure_message = $6,
       version = $7, updated_at = $8
     WHERE tenant_id = $1 AND id = $2`;

export function updateRefundValues(r: RefundState): unknown[] {
  return [r.tenantId, r.id, r.status, r.providerRefundId, r.failureCode, r.failureMessage, r.version, r.updatedAt];
}
