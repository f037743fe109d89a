// What the payment and refund API suites share: an order to pay, raw requests (for exact bytes
// and headers the typed client hides), the provider's view of one payment (psp-sim's ledger
// and call counters), and a snapshot of every payment-related row of a tenant.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '@keelson/kit/db';
import type { LedgerSnapshot, PspSim } from '@keelson/psp-sim';
import type { paths } from '../generated/checkout-api.ts';
import { ledger, type Stats, stats } from '../psp/support.ts';
import type { ApiClient, TestService, TestTenant } from '../support/service.ts';

export type Order = paths['/v1/orders/{id}']['get']['responses'][200]['content']['application/json'];
export type Payment = paths['/v1/payments/{id}']['get']['responses'][200]['content']['application/json'];
export type Refund = paths['/v1/refunds/{id}']['get']['responses'][200]['content']['application/json'];
export type ProviderIntent = LedgerSnapshot['payment_intents'][number];
export type ProviderRefund = LedgerSnapshot['refunds'][number];

/** A fresh Idempotency-Key; `what` only makes failures easier to read. */
export function newKey(what: string): string {
  return `${what}-${randomUUID()}`;
}

/** A `pending_payment` order of `quantity` × `unitAmount` USD. */
export async function orderToPay(api: ApiClient, unitAmount = 1500, quantity = 2): Promise<Order> {
  const product = await api.POST('/v1/products', {
    body: { sku: `sku-${randomUUID()}`, name: 'Mug', unit_amount: unitAmount, currency: 'USD', stock: 1_000 },
  });
  assert.ok(product.data, JSON.stringify(product.error));
  const order = await api.POST('/v1/orders', { body: { lines: [{ product_id: product.data.id, quantity }] } });
  assert.ok(order.data, JSON.stringify(order.error));
  assert.equal(order.data.status, 'pending_payment');
  return order.data;
}

export function pay(api: ApiClient, orderId: string, paymentMethod: string, key: string) {
  return api.POST('/v1/orders/{id}/payments', {
    params: { path: { id: orderId }, header: { 'Idempotency-Key': key } },
    body: { payment_method: paymentMethod },
  });
}

/** A succeeded payment of a fresh order (`unitAmount` × `quantity`). */
export async function paidOrder(api: ApiClient, unitAmount = 1500, quantity = 2) {
  const order = await orderToPay(api, unitAmount, quantity);
  const paid = await pay(api, order.id, 'pm_card_visa', newKey('pay'));
  assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
  assert.ok(paid.data);
  assert.equal(paid.data.status, 'succeeded');
  return { order, payment: paid.data };
}

export function refund(
  api: ApiClient,
  paymentId: string,
  body: { amount?: number; reason?: string },
  key: string,
  headers: Record<string, string> = {},
) {
  return api.POST('/v1/payments/{id}/refunds', {
    params: { path: { id: paymentId }, header: { 'Idempotency-Key': key, ...headers } },
    body,
  });
}

export async function orderOf(api: ApiClient, orderId: string): Promise<Order> {
  const { data, error } = await api.GET('/v1/orders/{id}', { params: { path: { id: orderId } } });
  assert.ok(data, JSON.stringify(error));
  return data;
}

export async function paymentOf(api: ApiClient, paymentId: string): Promise<Payment> {
  const { data, error } = await api.GET('/v1/payments/{id}', { params: { path: { id: paymentId } } });
  assert.ok(data, JSON.stringify(error));
  return data;
}

export async function paymentsOfOrder(api: ApiClient, orderId: string): Promise<readonly Payment[]> {
  const { data, error } = await api.GET('/v1/payments', { params: { query: { order_id: orderId } } });
  assert.ok(data, JSON.stringify(error));
  return data.data;
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The body exactly as sent. */
  readonly text: string;
}

/** A POST with a JSON body (or none) as the typed client cannot send it: exact bytes out and in. */
export async function rawPost(
  service: TestService,
  token: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const response = await fetch(`${service.apiUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The PaymentIntents psp-sim holds for one of our payments (by `metadata[keelson_payment_id]`). */
export async function intentsOf(sim: PspSim, paymentId: string): Promise<readonly ProviderIntent[]> {
  return (await ledger(sim)).payment_intents.filter((intent) => intent.metadata.keelson_payment_id === paymentId);
}

/** The one PaymentIntent of a payment, asserting there is exactly one. */
export async function onlyIntentOf(sim: PspSim, paymentId: string): Promise<ProviderIntent> {
  const intents = await intentsOf(sim, paymentId);
  assert.equal(intents.length, 1, `PaymentIntents of ${paymentId}: ${JSON.stringify(intents)}`);
  return intents[0] ?? assert.fail('one intent');
}

export async function providerRefundsOf(sim: PspSim, intentId: string): Promise<readonly ProviderRefund[]> {
  return (await ledger(sim)).refunds.filter((r) => r.payment_intent === intentId);
}

/** Every provider API call psp-sim has counted (its `/v1/*` routes), faulted or not. */
export function providerCalls(snapshot: Stats): number {
  return Object.values(snapshot.requests).reduce((sum, n) => sum + n, 0);
}

/**
 * Runs `call` and asserts the provider saw no call at all and its ledger did not change: the
 * proof that a request refused here never reached the payment provider.
 */
export async function withoutProviderCall<T>(sim: PspSim, call: () => Promise<T>): Promise<T> {
  const [ledgerBefore, statsBefore] = [await ledger(sim), await stats(sim)];
  const result = await call();
  assert.equal(providerCalls(await stats(sim)), providerCalls(statsBefore), 'the provider was called');
  assert.deepEqual(await ledger(sim), ledgerBefore, "the provider's ledger changed");
  return result;
}

const tables = {
  orders: 'id',
  payments: 'id',
  refunds: 'id',
  ledger_entries: 'journal_id, line_no',
  outbox: 'id',
  idempotency_keys: 'key',
} as const;

export type PaymentRows = Readonly<Record<keyof typeof tables, readonly unknown[]>>;

/**
 * Every order, payment, refund, ledger entry, outbox row and stored idempotency key of the
 * tenants, as JSON in a stable order: equal snapshots prove a request changed nothing.
 */
export function snapshotPaymentRows(db: Database, tenantIds: readonly string[]): Promise<PaymentRows> {
  return db.transaction({ deadline: Date.now() + 5_000 }, async (tx) => {
    const snapshot: Record<string, readonly unknown[]> = {};
    for (const [table, order] of Object.entries(tables)) {
      const { rows } = await tx.query<{ row: unknown }>(
        `SELECT to_jsonb(t) AS row FROM ${table} t WHERE tenant_id = ANY($1::text[]) ORDER BY tenant_id, ${order}`,
        [tenantIds],
      );
      snapshot[table] = rows.map((r) => r.row);
    }
    // Filled from `tables` above, one entry per key.
    return snapshot as PaymentRows;
  });
}

/** The types of a tenant's outbox rows, oldest first. */
export async function outboxTypes(db: Database, tenantId: string, aggregateId?: string): Promise<string[]> {
  const { rows } = await db.query<{ type: string }>(
    { deadline: Date.now() + 5_000 },
    `SELECT type FROM outbox WHERE tenant_id = $1 AND ($2::text IS NULL OR aggregate_id = $2) ORDER BY id`,
    [tenantId, aggregateId ?? null],
  );
  return rows.map((r) => r.type);
}

/** A client with a second key of `tenant`, holding only `scopes` (minted through the admin API). */
export async function extraKey(service: TestService, tenant: TestTenant, scopes: readonly string[]) {
  const key = await service.admin('POST', '/keys', { tenant_id: tenant.tenantId, scopes });
  assert.equal(key.status, 201, JSON.stringify(key.body));
  return service.client(`Bearer ${String(key.body.token)}`);
}

/** Zeroes psp-sim's counters, so a test reads its own calls as absolute numbers. */
export async function resetProviderStats(sim: PspSim): Promise<void> {
  const response = await fetch(`${sim.url}/sim/stats`, { method: 'DELETE' });
  assert.equal(response.status, 204);
}
