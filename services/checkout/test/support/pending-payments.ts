import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LedgerSnapshot } from '@keelson/psp-sim';

// Shared by the reconcile / ledger verify tests: a payment left pending on purpose (the
// provider hangs, the client's deadline passes), and the provider's side read and changed
// directly at the simulator, as a person at Stripe's dashboard would.

/** The public API as one tenant sees it. */
export interface Shop {
  readonly apiUrl: string;
  readonly token: string;
}

export interface Answer {
  readonly status: number;
  /** Every answer of the API is one JSON object (resource or problem). */
  readonly json: Record<string, unknown>;
}

export async function call(
  shop: Shop,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${shop.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${shop.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as Record<string, unknown> };
}

/** A product in stock and an order of it (2 × 750 EUR cents), pending payment. Returns the order id. */
export async function orderToPay(shop: Shop): Promise<string> {
  const sku = `sku-${randomBytes(4).toString('hex')}`;
  const product = await call(shop, 'POST', '/v1/products', {
    sku,
    name: 'Mug',
    unit_amount: 750,
    currency: 'EUR',
    stock: 10,
  });
  assert.equal(product.status, 201, JSON.stringify(product.json));
  const order = await call(shop, 'POST', '/v1/orders', { lines: [{ product_id: product.json.id, quantity: 2 }] });
  assert.equal(order.status, 201, JSON.stringify(order.json));
  return String(order.json.id);
}

async function sim(simUrl: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${simUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5_000),
  });
}

/**
 * Pays a fresh order while the provider hangs, with a 1.5 s deadline (time enough for the steps
 * before the provider call on a loaded machine): the answer is 504 and the payment stays pending
 * (the charge never reached the provider's books). Clears the fault.
 */
export async function leavePaymentPending(
  shop: Shop,
  simUrl: string,
): Promise<{ readonly orderId: string; readonly paymentId: string }> {
  const orderId = await orderToPay(shop);
  const faults = await sim(simUrl, 'PUT', '/sim/faults', {
    rules: [{ kind: 'hang', probability: 1, path_prefix: '/v1/payment_intents' }],
  });
  assert.equal(faults.status, 200, await faults.text());
  try {
    const paid = await call(
      shop,
      'POST',
      `/v1/orders/${orderId}/payments`,
      { payment_method: 'pm_card_visa' },
      {
        'idempotency-key': `pay-${randomBytes(6).toString('hex')}`,
        'x-request-deadline': new Date(Date.now() + 1_500).toISOString(),
      },
    );
    assert.equal(paid.status, 504, JSON.stringify(paid.json));
    assert.equal(paid.json.code, 'deadline_exceeded');
  } finally {
    await sim(simUrl, 'DELETE', '/sim/faults');
  }
  const listed = await call(shop, 'GET', `/v1/payments?order_id=${orderId}`);
  const payments = listed.json.data as Record<string, unknown>[];
  assert.deepEqual(
    payments.map((p) => p.status),
    ['pending'],
  );
  return { orderId, paymentId: String(payments[0]?.id) };
}

/** The simulator's PaymentIntents that carry this Keelson payment id. */
export async function paymentIntentsOf(simUrl: string, paymentId: string): Promise<LedgerSnapshot['payment_intents']> {
  const response = await sim(simUrl, 'GET', '/sim/ledger');
  // The control API's documented shape.
  const ledger = (await response.json()) as LedgerSnapshot;
  return ledger.payment_intents.filter((pi) => pi.metadata.keelson_payment_id === paymentId);
}

/** A refund made at the provider behind Keelson's back (e.g. from its dashboard). */
export async function refundAtProvider(simUrl: string, paymentIntentId: string, amount: number): Promise<void> {
  const response = await fetch(`${simUrl}/v1/refunds`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk_test_behind_our_back' },
    body: new URLSearchParams({ payment_intent: paymentIntentId, amount: String(amount) }),
    signal: AbortSignal.timeout(5_000),
  });
  assert.equal(response.status, 200, await response.text());
}

/** The payment is settled as succeeded, its order paid, and the provider holds exactly one charge for it. */
export async function assertSettledOnce(shop: Shop, simUrl: string, pending: { orderId: string; paymentId: string }) {
  const payment = await call(shop, 'GET', `/v1/payments/${pending.paymentId}`);
  assert.equal(payment.json.status, 'succeeded', JSON.stringify(payment.json));
  const order = await call(shop, 'GET', `/v1/orders/${pending.orderId}`);
  assert.ok(order.json.status === 'paid' || order.json.status === 'fulfilled', `order ${order.json.status}`);
  const intents = await paymentIntentsOf(simUrl, pending.paymentId);
  assert.deepEqual(
    intents.map((pi) => [pi.status, pi.amount, pi.amount_refunded]),
    [['succeeded', 1500, 0]],
  );
  return intents[0]?.id ?? assert.fail('no PaymentIntent');
}
