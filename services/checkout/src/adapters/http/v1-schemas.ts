import { z } from 'zod';
import { orderStatuses } from '../../domain/order-status.ts';
import { paymentStatuses } from '../../domain/payment.ts';
import { productNameText, skuText } from '../../domain/product.ts';
import { refundReasonText, refundStatuses } from '../../domain/refund.ts';
import { amount, currency, stock, storedStock, text, timestamp } from './schemas.ts';

// API v1's wire schemas, frozen as they were when /v2 shipped (ADR 0017): money as flat fields.
// They validate v1 bodies and serialize v1 answers; their OpenAPI names are v1's for good, so a
// client generated before /v2 still matches. Handlers never see them: v1-compat.ts converts.

export const productSchemaV1 = z
  .object({
    object: z.literal('product'),
    id: z.string().describe('prod_… identifier'),
    sku: z.string(),
    name: z.string(),
    unit_amount: amount,
    currency,
    stock: storedStock,
    version: z
      .number()
      .int()
      .describe(
        'Optimistic-concurrency version; send it back on PATCH. It also moves when orders reserve or release stock, so a PATCH never overwrites a reservation it did not see.',
      ),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Product' });

export const createProductBodyV1 = z
  .strictObject({
    sku: text(skuText),
    name: text(productNameText),
    unit_amount: amount,
    currency,
    stock,
  })
  .meta({ id: 'CreateProduct' });

export const updateProductBodyV1 = z
  .strictObject({
    name: text(productNameText).optional(),
    unit_amount: amount.optional(),
    stock: stock.optional(),
    version: z.number().int().min(1).describe('The version you last read; a stale one answers 409 version_conflict'),
  })
  .refine((body) => body.name !== undefined || body.unit_amount !== undefined || body.stock !== undefined, {
    message: 'Provide at least one of name, unit_amount, stock.',
  })
  .meta({ id: 'UpdateProduct' });

export const orderLineSchemaV1 = z
  .object({
    product_id: z.string(),
    quantity: z.number().int(),
    unit_amount: amount.describe('Unit price snapshot taken when the order was placed'),
    amount: amount.describe('unit_amount × quantity'),
  })
  .meta({ id: 'OrderLine' });

export const orderSchemaV1 = z
  .object({
    object: z.literal('order'),
    id: z.string().describe('ord_… identifier'),
    status: z.enum(orderStatuses),
    currency,
    amount_total: amount,
    lines: z.array(orderLineSchemaV1),
    version: z.number().int(),
    expires_at: timestamp.describe('When an unpaid order expires and releases its stock'),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Order' });

export const paymentSchemaV1 = z
  .object({
    object: z.literal('payment'),
    id: z.string().describe('pay_… identifier'),
    order_id: z.string(),
    amount: amount.describe("The order's total, captured whole or not at all"),
    currency,
    status: z.enum(paymentStatuses),
    amount_refunded: amount,
    payment_method: z.string().describe('The payment method token (pm_…); card data never reaches Keelson'),
    failure_code: z.string().nullable().describe('card_declined or invalid_payment_method when failed'),
    failure_message: z.string().nullable(),
    decline_code: z.string().nullable().describe("The issuer's reason for a decline (e.g. insufficient_funds)"),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Payment' });

export const refundSchemaV1 = z
  .object({
    object: z.literal('refund'),
    id: z.string().describe('re_… identifier'),
    payment_id: z.string(),
    order_id: z.string(),
    amount,
    currency,
    status: z.enum(refundStatuses),
    reason: z.string().nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Refund' });

export const createRefundBodyV1 = z
  .strictObject({
    amount: amount.min(1).optional().describe('Default: everything not refunded yet'),
    reason: text(refundReasonText).optional(),
  })
  .nullish()
  .meta({ id: 'CreateRefund' });
