import type { Currency } from '../../domain/money.ts';
import type { PaymentFailureCode, PaymentState, PaymentStatus } from '../../domain/payment.ts';

/** A payments row's columns, in the order of {@link paymentValues}. */
export const paymentColumnNames = [
  'id',
  'tenant_id',
  'order_id',
  'amount',
  'currency',
  'status',
  'amount_refunded',
  'payment_method',
  'failure_code',
  'failure_message',
  'decline_code',
  'provider_payment_id',
  'idempotency_key',
  'version',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof PaymentRow)[];

export const paymentColumns = paymentColumnNames.join(', ');

export interface PaymentRow {
  id: string;
  tenant_id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: string;
  amount_refunded: number;
  payment_method: string;
  failure_code: string | null;
  failure_message: string | null;
  decline_code: string | null;
  provider_payment_id: string | null;
  idempotency_key: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function paymentFromRow(row: PaymentRow): PaymentState {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    orderId: row.order_id,
    amount: row.amount,
    // Only domain-produced statuses, failure codes and validated currencies are ever written
    // (the table CHECKs the statuses too).
    currency: row.currency as Currency,
    status: row.status as PaymentStatus,
    amountRefunded: row.amount_refunded,
    paymentMethod: row.payment_method,
    failureCode: row.failure_code as PaymentFailureCode | null,
    failureMessage: row.failure_message,
    declineCode: row.decline_code,
    providerPaymentId: row.provider_payment_id,
    idempotencyKey: row.idempotency_key,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `INSERT INTO payments (${paymentColumns})`'s values, $1…$16 in column order. */
export function paymentValues(p: PaymentState): unknown[] {
  return [
    p.id,
    p.tenantId,
    p.orderId,
    p.amount,
    p.currency,
    p.status,
    p.amountRefunded,
    p.paymentMethod,
    p.failureCode,
    p.failureMessage,
    p.declineCode,
    p.providerPaymentId,
    p.idempotencyKey,
    p.version,
    p.createdAt,
    p.updatedAt,
  ];
}

/**
 * What settling may change (the rest of a payment is fixed when it begins): the SET clause of an
 * `UPDATE payments … WHERE tenant_id = $1 AND id = $2`, with the values of {@link updatePaymentValues}.
 */
export const updatePaymentSet = `status = $3, amount_refunded = $4, failure_code = $5, failure_message = $6,
       decline_code = $7, provider_payment_id = $8, version = $9, updated_at = $10`;

export function updatePaymentValues(p: PaymentState): unknown[] {
  return [
    p.tenantId,
    p.id,
    p.status,
    p.amountRefunded,
    p.failureCode,
    p.failureMessage,
    p.declineCode,
    p.providerPaymentId,
    p.version,
    p.updatedAt,
  ];
}
