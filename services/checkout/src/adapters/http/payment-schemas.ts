import { z } from 'zod';
import { isPaymentMethodToken, paymentStatuses } from '../../domain/payment.ts';
import { refundReasonText, refundStatuses } from '../../domain/refund.ts';
import { amount, bodyV2, money, moneyOf, objectId, pageQuery, text, timestamp } from './schemas.ts';

// Wire schemas of payments and refunds (Stripe's shapes where Stripe has one).

export const paymentSchema = z
  .object({
    object: z.literal('payment'),
    id: z.string().describe('pay_… identifier'),
    order_id: z.string(),
    amount: money.describe("The order's total, captured whole or not at all"),
    status: z.enum(paymentStatuses),
    amount_refunded: money,
    payment_method: z.string().describe('The payment method token (pm_…); card data never reaches Keelson'),
    failure_code: z.string().nullable().describe('card_declined or invalid_payment_method when failed'),
    failure_message: z.string().nullable(),
    decline_code: z.string().nullable().describe("The issuer's reason for a decline (e.g. insufficient_funds)"),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'PaymentV2' });

export const refundSchema = z
  .object({
    object: z.literal('refund'),
    id: z.string().describe('re_… identifier'),
    payment_id: z.string(),
    order_id: z.string(),
    amount: money,
    status: z.enum(refundStatuses),
    reason: z.string().nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'RefundV2' });

export const createPaymentBody = z
  .strictObject({
    payment_method: z
      .string()
      .refine(isPaymentMethodToken, 'must be a payment method token such as pm_card_visa')
      .describe('A payment method token: pm_card_visa succeeds, pm_card_chargeDeclined declines (test cards)'),
  })
  .meta({ id: 'CreatePayment' });

export const createRefundBody = bodyV2({
  amount: moneyOf(amount.min(1), 'the payment').optional().describe('Default: everything not refunded yet'),
  reason: text(refundReasonText).optional(),
})
  .nullish()
  .meta({ id: 'CreateRefundV2' });

export const listPaymentsQuery = z.strictObject({ ...pageQuery, order_id: objectId.optional() });
