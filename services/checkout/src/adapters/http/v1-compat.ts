import { z } from 'zod';
import { oncePerFrozenObject } from './once-per-object.ts';
import type { paymentToWire, refundToWire } from './payment.wire.ts';
import type { createRefundBody } from './payment-schemas.ts';
import { type createProductBody, listOf, type updateProductBody } from './schemas.ts';
import {
  createProductBodyV1,
  createRefundBodyV1,
  orderSchemaV1,
  paymentSchemaV1,
  productSchemaV1,
  refundSchemaV1,
  updateProductBodyV1,
} from './v1-schemas.ts';
import type { orderToWire, productToWire } from './wire.ts';

// API v1 as a view of v2 (ADR 0017): one explicit converter per object type, no generic walk.
// They run on every v1 answer (GET /v1/products/{id} is the hot path), so each is one object
// literal: no loops over keys, no copies of what is not money.

type ProductV2 = ReturnType<typeof productToWire>;
type OrderV2 = ReturnType<typeof orderToWire>;
type PaymentV2 = ReturnType<typeof paymentToWire>;
type RefundV2 = ReturnType<typeof refundToWire>;
type ListV2<T> = { readonly object: 'list'; readonly data: readonly T[]; readonly has_more: boolean };

/** By v2 object, which productToWire shares (frozen) per cached state: a warm v1 read builds nothing. */
export const productToV1 = oncePerFrozenObject(buildProductV1);

function buildProductV1(p: ProductV2): z.input<typeof productSchemaV1> {
  return {
    object: p.object,
    id: p.id,
    sku: p.sku,
    name: p.name,
    unit_amount: p.price.amount,
    currency: p.price.currency,
    stock: p.stock,
    version: p.version,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function orderToV1(o: OrderV2): z.input<typeof orderSchemaV1> {
  return {
    object: o.object,
    id: o.id,
    status: o.status,
    currency: o.total.currency,
    amount_total: o.total.amount,
    lines: o.lines.map((l) => ({
      product_id: l.product_id,
      quantity: l.quantity,
      unit_amount: l.unit_price.amount,
      amount: l.total.amount,
    })),
    version: o.version,
    expires_at: o.expires_at,
    created_at: o.created_at,
    updated_at: o.updated_at,
  };
}

export function paymentToV1(p: PaymentV2): z.input<typeof paymentSchemaV1> {
  return {
    object: p.object,
    id: p.id,
    order_id: p.order_id,
    amount: p.amount.amount,
    currency: p.amount.currency,
    status: p.status,
    amount_refunded: p.amount_refunded.amount,
    payment_method: p.payment_method,
    failure_code: p.failure_code,
    failure_message: p.failure_message,
    decline_code: p.decline_code,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

export function refundToV1(r: RefundV2): z.input<typeof refundSchemaV1> {
  return {
    object: r.object,
    id: r.id,
    payment_id: r.payment_id,
    order_id: r.order_id,
    amount: r.amount.amount,
    currency: r.amount.currency,
    status: r.status,
    reason: r.reason,
    failure_code: r.failure_code,
    failure_message: r.failure_message,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function listToV1<T, V>(toV1: (item: T) => V) {
  return (list: ListV2<T>) => ({ object: list.object, data: list.data.map(toV1), has_more: list.has_more });
}

type CreateProductV1 = z.output<typeof createProductBodyV1>;
type UpdateProductV1 = z.output<typeof updateProductBodyV1>;
type CreateRefundV1 = z.output<typeof createRefundBodyV1>;

// Request bodies: v1 states no currency for a new price or a refund, and needs none (the
// object's own applies); v2 may leave it out for the same reason.
function createProductToV2(b: CreateProductV1): z.input<typeof createProductBody> {
  return { sku: b.sku, name: b.name, price: { amount: b.unit_amount, currency: b.currency }, stock: b.stock };
}

function updateProductToV2(b: UpdateProductV1): z.input<typeof updateProductBody> {
  return {
    version: b.version,
    ...(b.name === undefined ? {} : { name: b.name }),
    ...(b.unit_amount === undefined ? {} : { price: { amount: b.unit_amount } }),
    ...(b.stock === undefined ? {} : { stock: b.stock }),
  };
}

function createRefundToV2(b: CreateRefundV1): z.input<typeof createRefundBody> {
  if (b === null || b === undefined) return b;
  return {
    ...(b.amount === undefined ? {} : { amount: { amount: b.amount } }),
    ...(b.reason === undefined ? {} : { reason: b.reason }),
  };
}

/** How one operation differs in v1: its body schema and converter, its success schemas and converter. */
export interface V1Operation {
  readonly body?: { readonly schema: z.ZodType; readonly toV2: (body: never) => unknown };
  /** Success statuses and their v1 schemas; `toV1` converts the handler's answer for exactly these. */
  readonly responses: Readonly<Record<number, z.ZodType>>;
  readonly toV1: (answer: never) => unknown;
}

function op<B, R>(operation: {
  readonly body?: { readonly schema: z.ZodType<B>; readonly toV2: (body: B) => unknown };
  readonly responses: Readonly<Record<number, z.ZodType>>;
  readonly toV1: (answer: R) => unknown;
}): V1Operation {
  return operation;
}

// Inline, as v1 always had it: `has_more` is always false (a payment's refunds are few).
const refundList = z.object({ object: z.literal('list'), data: z.array(refundSchemaV1), has_more: z.literal(false) });

/**
 * Every v1 operation whose wire shapes differ from v2, by operation id (v1 keeps today's ids).
 * An operation not listed (webhooks, events, the index) is the same in both versions.
 */
export const v1Operations: Readonly<Record<string, V1Operation>> = {
  createProduct: op({
    body: { schema: createProductBodyV1, toV2: createProductToV2 },
    responses: { 201: productSchemaV1 },
    toV1: productToV1,
  }),
  getProduct: op({ responses: { 200: productSchemaV1 }, toV1: productToV1 }),
  listProducts: op({ responses: { 200: listOf(productSchemaV1, 'ProductList') }, toV1: listToV1(productToV1) }),
  updateProduct: op({
    body: { schema: updateProductBodyV1, toV2: updateProductToV2 },
    responses: { 200: productSchemaV1 },
    toV1: productToV1,
  }),
  createOrder: op({ responses: { 201: orderSchemaV1 }, toV1: orderToV1 }),
  getOrder: op({ responses: { 200: orderSchemaV1 }, toV1: orderToV1 }),
  listOrders: op({ responses: { 200: listOf(orderSchemaV1, 'OrderList') }, toV1: listToV1(orderToV1) }),
  cancelOrder: op({ responses: { 200: orderSchemaV1 }, toV1: orderToV1 }),
  createPayment: op({ responses: { 201: paymentSchemaV1 }, toV1: paymentToV1 }),
  getPayment: op({ responses: { 200: paymentSchemaV1 }, toV1: paymentToV1 }),
  listPayments: op({ responses: { 200: listOf(paymentSchemaV1, 'PaymentList') }, toV1: listToV1(paymentToV1) }),
  createRefund: op({
    body: { schema: createRefundBodyV1, toV2: createRefundToV2 },
    responses: { 201: refundSchemaV1 },
    toV1: refundToV1,
  }),
  listPaymentRefunds: op({ responses: { 200: refundList }, toV1: listToV1(refundToV1) }),
  getRefund: op({ responses: { 200: refundSchemaV1 }, toV1: refundToV1 }),
};
