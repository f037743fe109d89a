// What the payment chaos tests (payments-race, payments-crash) share besides the paying client
// (paying-client.ts): seeds, ordered cleanup, a simulator the test process owns, a tenant and
// orders made through the CLI and the API, the exactly-once check of the provider's ledger
// against our payments table, and the operator's own check of the books (`payments reconcile`,
// `ledger verify`) through the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createPgliteDatabase, type Database } from '@keelson/kit/db';
import { type FaultRule, type LedgerSnapshot, type PspSim, type StatsSnapshot, startPspSim } from '@keelson/psp-sim';
import { runCli, singleJsonObject, type TempDir, tempDir } from './service-process.ts';

/** mulberry32: a seeded sequence in [0, 1), so a run's jitter and kill moments can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cleanups run last-registered first, in one `after` hook: clients stop before the service is
 * killed, the service before its database is dropped and its directory removed. Every step runs
 * even if one before it failed; the first failure is rethrown.
 */
export function cleanupStack(t: TestContext): (work: () => unknown) => void {
  const steps: (() => unknown)[] = [];
  t.after(async () => {
    let failure: unknown;
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  });
  return (work) => {
    steps.push(work);
  };
}

/** The seed of a chaos run: fixed unless KEELSON_CHAOS_SEED replays another one. */
export function chaosSeed(fixed: number): number {
  const raw = process.env.KEELSON_CHAOS_SEED;
  return raw === undefined || raw === '' ? fixed : Number.parseInt(raw, 10);
}

/** psp-sim in the test process with a journal of its own: a kill -9 of the service never loses a charge. */
export interface OwnedSim {
  readonly url: string;
  faults(rules: readonly FaultRule[], seed: number): Promise<void>;
  clearFaults(): Promise<void>;
  ledger(): Promise<LedgerSnapshot>;
  stats(): Promise<StatsSnapshot>;
  close(): Promise<void>;
}

export async function startOwnedSim(): Promise<OwnedSim> {
  const dir: TempDir = tempDir('keelson-psp-sim-');
  let sim: PspSim;
  try {
    sim = await startPspSim({ host: '127.0.0.1', port: 0, dataDir: dir.path });
  } catch (error) {
    dir.remove();
    throw error;
  }
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  return {
    url: sim.url,
    faults: async (rules, seed) => {
      await control('PUT', '/sim/faults', { rules, seed });
    },
    clearFaults: async () => {
      await control('DELETE', '/sim/faults');
    },
    // The simulator's own control API answers these shapes (its LedgerSnapshot and StatsSnapshot).
    ledger: async () => (await control('GET', '/sim/ledger')) as LedgerSnapshot,
    stats: async () => (await control('GET', '/sim/stats')) as StatsSnapshot,
    close: async () => {
      try {
        await sim.close();
      } finally {
        dir.remove();
      }
    },
  };
}

/** A tenant and a read+write key, through the CLI (spawned asynchronously: STACK.md pitfall 15). */
export async function provisionTenant(env: Record<string, string>, name: string): Promise<string> {
  const tenant = singleJsonObject(await runCli(['tenants', 'create', '--name', name, '--json'], env));
  const key = singleJsonObject(await runCli(['keys', 'create', '--tenant', String(tenant.id), '--json'], env));
  return String(key.token);
}

async function postJson(url: string, token: string, body: unknown): Promise<{ id: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  assert.equal(response.status, 201, `POST ${url}: ${text}`);
  return JSON.parse(text) as { id: string }; // 201 answers are resources, each with an id
}

export interface CliBooks {
  /** What `ledger verify` held against its row and the provider: one per succeeded payment. */
  readonly checkedPayments: number;
  /** The two commands, end to end (each a fresh CLI process). */
  readonly elapsedMs: number;
}

/** Bounded well inside a scenario's 60 s, so a hang fails with the CLI's output. */
const cliTimeoutMs = 20_000;

/**
 * `keelson payments reconcile --min-age-ms 0` then `keelson ledger verify`, as an operator runs
 * them while the service still runs (spawned asynchronously: STACK.md pitfall 15). Embedded, the
 * CLI goes through the server's admin API; on PostgreSQL it opens the database itself and asks
 * the provider at KEELSON_PSP_URL (the test's simulator: `env` must carry it, or the CLI refuses).
 * Reconcile must find nothing pending (so settle and fail nothing); verify must exit 0 with
 * `ok: true` and no discrepancies. Returns how many payments verify checked.
 */
export async function reconcileAndVerify(env: Record<string, string>): Promise<CliBooks> {
  assert.ok(env.KEELSON_PSP_URL, 'the CLI needs the service’s provider (KEELSON_PSP_URL)');
  const began = Date.now();
  const reconcile = await runCli(['payments', 'reconcile', '--min-age-ms', '0', '--json'], env, {
    timeoutMs: cliTimeoutMs,
  });
  assert.equal(
    reconcile.code,
    0,
    `payments reconcile: exit ${reconcile.code}\n${reconcile.stdout}\n${reconcile.stderr}`,
  );
  const none = { pending: 0, settled: 0, failed: 0 };
  assert.deepEqual(
    singleJsonObject(reconcile),
    { object: 'reconcile_report', payments: none, refunds: none },
    'payments reconcile finds nothing left pending and nothing it cannot resolve',
  );
  const verify = await runCli(['ledger', 'verify', '--json'], env, { timeoutMs: cliTimeoutMs });
  assert.equal(verify.code, 0, `ledger verify: exit ${verify.code}\n${verify.stdout}\n${verify.stderr}`);
  const report = singleJsonObject(verify);
  assert.equal(report.object, 'ledger_report', verify.stdout);
  assert.deepEqual(report.discrepancies, [], 'ledger verify: nothing disagrees');
  assert.equal(report.ok, true, verify.stdout);
  assert.equal(typeof report.checked_payments, 'number', verify.stdout);
  return { checkedPayments: Number(report.checked_payments), elapsedMs: Date.now() - began };
}

/** `count` pending_payment orders of one product (20.00 EUR each), created through the API. */
export async function createOrders(apiUrl: string, token: string, count: number): Promise<string[]> {
  const product = await postJson(`${apiUrl}/v1/products`, token, {
    sku: `chaos-${Date.now()}`,
    name: 'Chaos mug',
    unit_amount: 1000,
    currency: 'EUR',
    stock: count * 2,
  });
  const ids: string[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, () =>
      postJson(`${apiUrl}/v1/orders`, token, { lines: [{ product_id: product.id, quantity: 2 }] }),
    );
    for (const order of await Promise.all(batch)) ids.push(order.id);
  }
  return ids;
}

/** The first error log lines of a service's output, for a failure message. */
export function errorLines(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => line.includes('"level":50') || line.includes('"level":"error"'))
    .slice(0, 5)
    .join('\n');
}

export interface PaymentRow {
  readonly id: string;
  readonly order_id: string;
  readonly status: string;
  readonly amount: number;
  readonly idempotency_key: string;
  readonly provider_payment_id: string | null;
}

export interface OurSide {
  readonly payments: readonly PaymentRow[];
  readonly orderStatus: ReadonlyMap<string, string>;
}

/** Our payments table and order statuses, read with SQL (a server database, or a stopped PGlite's directory). */
export async function readOurSide(db: Database): Promise<OurSide> {
  return db.session(async (session) => {
    const payments = await session.query<PaymentRow>(
      `SELECT id, order_id, status, amount::int AS amount, idempotency_key, provider_payment_id FROM payments ORDER BY id`,
    );
    const orders = await session.query<{ id: string; status: string }>('SELECT id, status FROM orders');
    return { payments: payments.rows, orderStatus: new Map(orders.rows.map((o) => [o.id, o.status])) };
  });
}

/** The same, from the data directory of an embedded service that has stopped (PGlite admits one process). */
export async function readStoppedPglite(dataDir: string): Promise<OurSide> {
  const db = await createPgliteDatabase({ dataDir: join(dataDir, 'pgdata') });
  try {
    return await readOurSide(db);
  } finally {
    await db.close();
  }
}

export interface ExactlyOnce {
  /** Orders with exactly one succeeded PaymentIntent, matching our succeeded payment. */
  readonly chargedOnce: number;
  /** Everything that disagrees, one line each; empty when the books agree. */
  readonly problems: readonly string[];
}

/**
 * The provider's ledger against our table, per order: at most one succeeded PaymentIntent, and
 * exactly one for an order we call paid, the very one our succeeded payment names, for its
 * amount; no charge for a payment we do not know; nothing left pending on our side.
 */
export function compareWithProvider(ledger: LedgerSnapshot, ours: OurSide, orderIds: readonly string[]): ExactlyOnce {
  const problems: string[] = [];
  const paymentsById = new Map(ours.payments.map((p) => [p.id, p]));
  const intentsByOrder = new Map<string, LedgerSnapshot['payment_intents'][number][]>();
  for (const intent of ledger.payment_intents) {
    if (intent.status !== 'succeeded') continue;
    const paymentId = intent.metadata.keelson_payment_id;
    const payment = paymentId === undefined ? undefined : paymentsById.get(paymentId);
    if (payment === undefined) {
      problems.push(`provider charge ${intent.id} names payment ${paymentId}, which we do not have`);
      continue;
    }
    intentsByOrder.set(payment.order_id, [...(intentsByOrder.get(payment.order_id) ?? []), intent]);
  }
  for (const payment of ours.payments) {
    if (payment.status === 'pending')
      problems.push(`payment ${payment.id} (order ${payment.order_id}) is still pending`);
  }
  let chargedOnce = 0;
  for (const orderId of orderIds) {
    const intents = intentsByOrder.get(orderId) ?? [];
    const succeeded = ours.payments.filter((p) => p.order_id === orderId && p.status === 'succeeded');
    const status = ours.orderStatus.get(orderId);
    if (intents.length > 1) problems.push(`order ${orderId}: DOUBLE CHARGE, ${intents.map((i) => i.id).join(', ')}`);
    if (succeeded.length > 1) problems.push(`order ${orderId}: ${succeeded.length} succeeded payments on our side`);
    if (paidOrFulfilled(status) !== (succeeded.length === 1)) {
      problems.push(`order ${orderId} is ${status} with ${succeeded.length} succeeded payments`);
    }
    const [intent] = intents;
    const [payment] = succeeded;
    if (payment !== undefined && intent === undefined) problems.push(`order ${orderId}: paid here, no charge there`);
    if (payment === undefined && intent !== undefined)
      problems.push(`order ${orderId}: charged (${intent.id}), not paid here`);
    if (payment === undefined || intent === undefined || intents.length !== 1) continue;
    if (payment.provider_payment_id !== intent.id || payment.amount !== intent.amount) {
      problems.push(
        `order ${orderId}: payment ${payment.id} names ${payment.provider_payment_id} for ${payment.amount}, the provider charged ${intent.id} for ${intent.amount}`,
      );
      continue;
    }
    chargedOnce += 1;
  }
  return { chargedOnce, problems };
}

/**
 * A paid order, whether or not the worker's fulfillment consumer has shipped it yet (the service
 * these tests run serves the `all` role, which fulfils paid orders moments after payment).
 */
export function paidOrFulfilled(status: string | undefined): boolean {
  return status === 'paid' || status === 'fulfilled';
}
