import { z } from 'zod';
import { pageLimits } from '../../app/page-limit.ts';
import { maxAmount } from '../../domain/money.ts';
import { maxLineQuantity, maxOrderLines } from '../../domain/order.ts';
import { orderStatuses } from '../../domain/order-status.ts';
import { maxStock, productNameText, skuText } from '../../domain/product.ts';
import { describeTextRule, isStorableText, type TextRule, textProblem } from '../../domain/text.ts';

// Wire schemas: the single source of request validation, handler types, response
// serialization and the OpenAPI document. Snake_case here, camelCase past the mappers.
// Limits and text rules come from the domain, which guards them; checking them here too
// only refuses earlier, with the field's path in `issues`.

/**
 * Text under a domain rule, checked by the domain's own function. zod's `.max()` counts
 * UTF-16 units, so the bounds go into the document as JSON Schema keywords instead, which
 * count code points like the rule does.
 */
export function text(rule: TextRule) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = textProblem(value, rule);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ minLength: 1, maxLength: rule.maxLength, description: describeTextRule(rule) });
}

// An id to look up, never stored as given: bounded, and text PostgreSQL can hold (NUL and
// lone surrogates would fail in the database instead of reading as "not found").
export const objectId = z.string().min(1).max(64).refine(isStorableText, 'must be well-formed text without NUL');

export const amount = z
  .number()
  .int()
  .min(0)
  .max(maxAmount)
  .describe('Integer amount in minor units (cents), never a float');
export const currency = z.string().length(3).describe('ISO-4217 currency code, upper case (e.g. USD)');
export const timestamp = z.string().describe('RFC 3339 timestamp');
export const stock = z.number().int().min(0).max(maxStock);
// Responses report stock as stored: releasing reservations after a restock may exceed the input limit.
export const storedStock = z.number().int().min(0);

/** An amount of money: integer minor units and the currency they are in (API v2). */
export const money = z
  .object({ amount, currency })
  .meta({ id: 'Money', description: 'An amount in integer minor units and its ISO-4217 currency' });

// Flat money fields are API v1; said plainly, since a client moving to /v2 will send them.
const v1MoneyFields = new Set(['unit_amount', 'currency', 'amount_total']);
function flatMoneyHint(issue: { code?: string; keys?: readonly string[] }): string | undefined {
  if (issue.code !== 'unrecognized_keys' || !issue.keys?.some((key) => v1MoneyFields.has(key))) return undefined;
  return `${issue.keys.join(', ')}: flat money fields are API v1; in /v2 money is an object {amount, currency}`;
}

/** A request body of API v2: unknown keys refused, v1's flat money fields with a hint. */
export function bodyV2<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: flatMoneyHint });
}

/** Money the caller states for an existing object: `currency` may be left out, and if given must be its own. */
export function moneyOf<A extends z.ZodType>(amountSchema: A, what: string) {
  return bodyV2({
    amount: amountSchema,
    currency: currency
      .optional()
      .describe(`Optional: ${what}'s currency never changes; a different one is 400 currency_mismatch`),
  });
}

export const productSchema = z
  .object({
    object: z.literal('product'),
    id: z.string().describe('prod_… identifier'),
    sku: z.string(),
    name: z.string(),
    price: money.describe('Unit price'),
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
  .meta({ id: 'ProductV2' });

export const createProductBody = bodyV2({
  sku: text(skuText),
  name: text(productNameText),
  price: bodyV2({ amount, currency }).describe("Unit price; its currency is the product's for good"),
  stock,
}).meta({ id: 'CreateProductV2' });

export const updateProductBody = bodyV2({
  name: text(productNameText).optional(),
  price: moneyOf(amount, 'the product').optional(),
  stock: stock.optional(),
  version: z.number().int().min(1).describe('The version you last read; a stale one answers 409 version_conflict'),
})
  .refine((body) => body.name !== undefined || body.price !== undefined || body.stock !== undefined, {
    message: 'Provide at least one of name, price, stock.',
  })
  .meta({ id: 'UpdateProductV2' });

export const orderLineSchema = z
  .object({
    product_id: z.string(),
    quantity: z.number().int(),
    unit_price: money.describe('Unit price snapshot taken when the order was placed'),
    total: money.describe('unit_price × quantity'),
  })
  .meta({ id: 'OrderLineV2' });

export const orderSchema = z
  .object({
    object: z.literal('order'),
    id: z.string().describe('ord_… identifier'),
    status: z.enum(orderStatuses),
    total: money.describe('Sum of the line totals; every line is in this currency'),
    lines: z.array(orderLineSchema),
    version: z.number().int(),
    expires_at: timestamp.describe('When an unpaid order expires and releases its stock'),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'OrderV2' });

export const createOrderBody = z
  .strictObject({
    lines: z
      .array(
        z.strictObject({
          product_id: objectId,
          quantity: z.number().int().min(1).max(maxLineQuantity),
        }),
      )
      .min(1)
      .max(maxOrderLines),
  })
  .meta({ id: 'CreateOrder' });

// Cancel takes no fields; an empty object (or no body at all) is the only valid input.
export const cancelOrderBody = z.strictObject({}).nullish().meta({ id: 'CancelOrder' });

const limit = z.coerce.number().int().min(pageLimits.min).max(pageLimits.max).default(pageLimits.default);
const startingAfter = objectId.optional().describe('Id of the last item of the previous page');

/** Cursor paging, the same on every list (public and admin): `limit` and the last id seen. */
export const pageQuery = { limit, starting_after: startingAfter };

export const listProductsQuery = z.strictObject(pageQuery);
export const listOrdersQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(orderStatuses).optional(),
});

export const idParams = z.strictObject({ id: objectId });

export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() }).meta({ id });
}

// The answer of GET /v1: where the resources and the documentation are. Paths, not URLs:
// they resolve against whatever host the client reached.
export const apiIndexSchema = z
  .object({
    object: z.literal('api'),
    version: z.string().describe('The API version this prefix serves (e.g. v1)'),
    resources: z
      .object({
        products: z.string(),
        orders: z.string(),
        payments: z.string(),
        events: z.string(),
        webhook_endpoints: z.string(),
      })
      .describe('Collection paths'),
    docs: z.string().describe('Interactive reference page'),
    openapi: z.string().describe('The OpenAPI 3.1 document'),
  })
  .meta({ id: 'ApiIndex' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe('Stable machine-readable code; see docs/errors.md'),
    request_id: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/** The error responses every authenticated route documents. */
export const problemResponses = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  404: problemSchema,
  409: problemSchema,
} as const;
