import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createContext, type RequestContext } from '@keelson/kit/context';
import type { Database, DeadlineScope, Queryable } from '@keelson/kit/db';
import { type ErrorKind, isAppError } from '@keelson/kit/errors';
import { createIdGenerator, type IdGenerator } from '@keelson/kit/ids';
import pino from 'pino';
import { createAccessPgRepository } from '../../src/adapters/postgres/access.pg-repository.ts';
import { createLedgerPgReader } from '../../src/adapters/postgres/ledger.pg-reader.ts';
import { createOrderPgRepository } from '../../src/adapters/postgres/order.pg-repository.ts';
import { createPaymentPgRepository } from '../../src/adapters/postgres/payment.pg-repository.ts';
import { createProductPgRepository } from '../../src/adapters/postgres/product.pg-repository.ts';
import type {
  AccessRepository,
  LedgerReader,
  OrderRepository,
  PaymentRepository,
  ProductRepository,
} from '../../src/app/ports.ts';
import { Order, type PlaceOrderOutcome, type RequestedLine } from '../../src/domain/order.ts';
import { type ChargeOutcome, type PaymentState, settlePayment, startPayment } from '../../src/domain/payment.ts';
import { type NewProduct, Product, type ProductState } from '../../src/domain/product.ts';
import { type RefundOutcome, type RefundState, settleRefund, startRefund } from '../../src/domain/refund.ts';
import { createFakeStore, fakeAccessRepository, fakeOrderRepository, fakeProductRepository } from '../app/fakes.ts';
import { type Backend, backends, type OwnedTestDatabase } from './databases.ts';
import { type Direct, type OutboxRow, sqlDirect, sqlScope, storeDirect } from './repository-direct.ts';

export { type OutboxRow, sqlScope } from './repository-direct.ts';

/**
 * The use-case tests' in-memory fakes (test/app/fakes.ts), run through the contract suites
 * that need no SQL, so a fake cannot drift from the adapters it stands in for.
 */
export const memoryBackend = { name: 'memory' } as const;
export type MemoryBackend = typeof memoryBackend;

/** The backends of a contract suite that observes repositories only through `direct`. */
export function repositoryBackends(): Array<Backend | MemoryBackend> {
  return [...backends(), memoryBackend];
}

/**
 * What a repository contract test needs: the repositories under test, one id generator so
 * ids minted by fixtures and adapters sort in creation order, and `direct` access to what
 * they store. Tests stay independent by seeding their own tenant.
 */
export interface RepositoryFixture {
  readonly backend: Backend['name'] | MemoryBackend['name'];
  readonly newId: IdGenerator;
  readonly products: ProductRepository;
  readonly orders: OrderRepository;
  readonly access: AccessRepository;
  /** Behind the ports' back: seeds tenants and reads what a call wrote (or left alone). */
  readonly direct: Direct;
}

/**
 * The real adapters over one migrated database per backend and test file (PGlite costs
 * seconds to open), for tests that also need SQL.
 */
export interface DatabaseFixture extends RepositoryFixture {
  readonly backend: Backend['name'];
  readonly db: Database;
  /** Payments exist on the databases only: no in-memory fake stands in for them yet. */
  readonly payments: PaymentRepository;
  readonly ledger: LedgerReader;
}

/**
 * Call in a `describe` body: opens one database (or fake store) for the whole suite in
 * `before` and drops it in the suite's `after`. Returns an accessor for the tests.
 */
// A database backend always gets the DatabaseFixture built below.
export function useRepositories(backend: Backend): () => DatabaseFixture;
export function useRepositories(backend: Backend | MemoryBackend): () => RepositoryFixture;
export function useRepositories(backend: Backend | MemoryBackend): () => RepositoryFixture {
  let database: OwnedTestDatabase | undefined;
  let fixture: RepositoryFixture | undefined;
  before(async () => {
    const newId = createIdGenerator();
    if (backend.name === 'memory') {
      const store = createFakeStore();
      fixture = {
        backend: backend.name,
        newId,
        products: fakeProductRepository(store),
        orders: fakeOrderRepository(store),
        access: fakeAccessRepository(store),
        direct: storeDirect(store),
      };
      return;
    }
    database = await backend.create();
    const { db } = database;
    const databaseFixture: DatabaseFixture = {
      backend: backend.name,
      db,
      newId,
      products: createProductPgRepository(db, newId),
      orders: createOrderPgRepository(db, newId),
      access: createAccessPgRepository(db),
      payments: createPaymentPgRepository(db, newId),
      ledger: createLedgerPgReader(db),
      direct: sqlDirect(db),
    };
    fixture = databaseFixture;
  });
  after(() => database?.dispose());
  return () => fixture ?? assert.fail(`the ${backend.name} repositories did not open`);
}

/** A `Database` that counts its round trips, for tests that prove what a call costs. */
export interface CountingDatabase {
  readonly db: Database;
  /**
   * Asserts that exactly `count` round trips were made since the last check: a statement
   * each, a transaction as BEGIN, its statements and COMMIT or ROLLBACK.
   */
  assertSent(count: number, what: string): void;
}

export function countingDatabase(db: Database): CountingDatabase {
  let sent: string[] = [];
  return {
    db: {
      query<Row>(scope: DeadlineScope, sql: string, params?: readonly unknown[]) {
        sent.push(sql);
        return db.query<Row>(scope, sql, params);
      },
      async transaction<T>(scope: DeadlineScope, work: (tx: Queryable) => Promise<T>) {
        sent.push('BEGIN');
        try {
          const result = await db.transaction(scope, (tx) =>
            work({
              query<Row>(sql: string, params?: readonly unknown[]) {
                sent.push(sql);
                return tx.query<Row>(sql, params);
              },
            }),
          );
          sent.push('COMMIT');
          return result;
        } catch (error) {
          sent.push('ROLLBACK');
          throw error;
        }
      },
      session: (work) => db.session(work),
      listen: (channel, onNotify, onLost) => db.listen(channel, onNotify, onLost),
      ping: (timeoutMs) => db.ping(timeoutMs),
      stats: () => db.stats(),
      close: () => db.close(),
    },
    assertSent(count, what) {
      assert.equal(sent.length, count, `${what} sent:\n${sent.join('\n---\n')}`);
      sent = [];
    },
  };
}

const silent = pino({ level: 'silent' });

/** A request context with a generous budget unless a test is about deadlines. */
export function testContext(timeoutMs = 15_000): RequestContext {
  return createContext({ requestId: `req_${Math.random().toString(36).slice(2)}`, timeoutMs, logger: silent });
}

export async function seedTenant(fx: RepositoryFixture): Promise<string> {
  const id = fx.newId('ten');
  await fx.direct.insertTenant(id);
  return id;
}

export type ProductSeed = Partial<Omit<NewProduct, 'id' | 'tenantId'>>;

/** Inserts a product through the repository and returns its state. */
export async function seedProduct(
  fx: RepositoryFixture,
  tenantId: string,
  seed: ProductSeed = {},
): Promise<ProductState> {
  const id = fx.newId('prod');
  const { product, event } = Product.create({
    id,
    tenantId,
    sku: seed.sku ?? `sku-${id}`,
    name: seed.name ?? 'Widget',
    unitAmount: seed.unitAmount ?? 1_000,
    currency: seed.currency ?? 'EUR',
    stock: seed.stock ?? 10,
    now: seed.now ?? new Date(),
  });
  await fx.products.insert(testContext(), product, event);
  return product.state;
}

/** Places an order the way the use case does: the pure domain decides inside the lock. */
export function place(
  fx: RepositoryFixture,
  tenantId: string,
  lines: readonly RequestedLine[],
  options: { readonly id?: string; readonly now?: Date; readonly idempotencyKey?: string } = {},
): Promise<PlaceOrderOutcome> {
  const id = options.id ?? fx.newId('ord');
  const now = options.now ?? new Date();
  return fx.orders.place(
    testContext(),
    tenantId,
    lines,
    (products) => Order.place({ id, tenantId, lines, products, now, ttlMs: 60_000 }),
    options.idempotencyKey,
  );
}

/** Places an order that must succeed and returns its state. */
export async function placeOk(fx: RepositoryFixture, tenantId: string, lines: readonly RequestedLine[]) {
  const outcome = await place(fx, tenantId, lines);
  if (!outcome.ok) assert.fail(`expected the order to be placed, got ${JSON.stringify(outcome)}`);
  return outcome.order.state;
}

/** The tenant's outbox rows in append order, read straight from the table. */
export function outboxRows(fx: RepositoryFixture, tenantId: string, type?: string): Promise<OutboxRow[]> {
  return fx.direct.outbox(tenantId, type);
}

export function stockOf(fx: RepositoryFixture, tenantId: string, productId: string): Promise<number | undefined> {
  return fx.direct.stock(tenantId, productId);
}

/**
 * Every row a tenant owns, in a stable order: compare two snapshots to prove a failed
 * operation left no trace (no half-applied stock movement, order, line or event).
 */
export function snapshot(fx: RepositoryFixture, tenantId: string): Promise<unknown> {
  return fx.direct.snapshot(tenantId);
}

/** An `assert.rejects` validator for an AppError with the given code (and kind). */
export function appError(code: string, kind?: ErrorKind) {
  return (error: unknown): true => {
    if (!isAppError(error)) assert.fail(`expected AppError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    if (kind !== undefined) assert.equal(error.kind, kind);
    return true;
  };
}

/** An `assert.rejects` validator for a raw driver error carrying the given SQLSTATE. */
export function sqlState(code: string) {
  return (error: unknown): true => {
    assert.ok(error instanceof Error, `expected a driver error, got ${String(error)}`);
    assert.equal('code' in error ? error.code : undefined, code, String(error));
    return true;
  };
}

/** A pending order for a fresh tenant: 3 of a product that started with 10 in stock. */
export async function pendingOrder(fx: RepositoryFixture) {
  const tenantId = await seedTenant(fx);
  const product = await seedProduct(fx, tenantId, { stock: 10, unitAmount: 250 });
  const order = await placeOk(fx, tenantId, [{ productId: product.id, quantity: 3 }]);
  return { tenantId, product, order };
}

/** The cancel transition, as the use case passes it to the repository. */
export const cancel = (order: Order) => order.cancel(new Date());

export interface PaymentOptions {
  readonly id?: string;
  readonly key?: string;
  readonly paymentMethod?: string;
  readonly now?: Date;
}

/** Begins a payment the way the use case does: the pure domain decides under the order's lock. */
export function beginPayment(
  fx: DatabaseFixture,
  tenantId: string,
  orderId: string,
  options: PaymentOptions = {},
): Promise<PaymentState> {
  const id = options.id ?? fx.newId('pay');
  return fx.payments.begin(testContext(), tenantId, orderId, (order) =>
    startPayment({
      id,
      order,
      paymentMethod: options.paymentMethod ?? 'pm_card_visa',
      idempotencyKey: options.key ?? `key-${id}`,
      now: options.now ?? new Date(),
    }),
  );
}

export const charged = (providerPaymentId: string): ChargeOutcome => ({ kind: 'succeeded', providerPaymentId });

export const declined: ChargeOutcome = {
  kind: 'declined',
  providerPaymentId: 'pi_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

/** Records the provider's answer as the use case does. */
export function settlePaymentWith(
  fx: DatabaseFixture,
  tenantId: string,
  paymentId: string,
  outcome: ChargeOutcome,
  now = new Date(),
): Promise<PaymentState> {
  return fx.payments.settle(testContext(), tenantId, paymentId, (payment, order) =>
    settlePayment(payment, order, outcome, now),
  );
}

/** A paid order (3 × 250 = 750 EUR cents) and its succeeded payment, for a fresh tenant. */
export async function capturedPayment(fx: DatabaseFixture) {
  const { tenantId, product, order } = await pendingOrder(fx);
  const begun = await beginPayment(fx, tenantId, order.id);
  const payment = await settlePaymentWith(fx, tenantId, begun.id, charged(`pi_${begun.id}`));
  return { tenantId, product, order, payment };
}

export interface RefundOptions {
  readonly id?: string;
  readonly key?: string;
  readonly amount?: number;
  readonly reason?: string;
}

export function beginRefundOf(
  fx: DatabaseFixture,
  tenantId: string,
  paymentId: string,
  options: RefundOptions = {},
): Promise<RefundState> {
  const id = options.id ?? fx.newId('re');
  return fx.payments.beginRefund(testContext(), tenantId, paymentId, (payment, reserved) =>
    startRefund({
      id,
      payment,
      reserved,
      ...(options.amount === undefined ? {} : { amount: options.amount }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
      idempotencyKey: options.key ?? `key-${id}`,
      now: new Date(),
    }),
  );
}

export const refunded = (providerRefundId: string): RefundOutcome => ({ kind: 'succeeded', providerRefundId });

export function settleRefundWith(
  fx: DatabaseFixture,
  tenantId: string,
  refundId: string,
  outcome: RefundOutcome,
): Promise<RefundState> {
  return fx.payments.settleRefund(testContext(), tenantId, refundId, (refund, payment, order) =>
    settleRefund(refund, payment, order, outcome, new Date()),
  );
}

/** `snapshot` plus the tenant's payments, refunds and ledger entries. */
export async function paymentSnapshot(fx: DatabaseFixture, tenantId: string): Promise<unknown> {
  const rows = async (table: 'payments' | 'refunds' | 'ledger_entries', order: string) =>
    (await fx.db.query(sqlScope(), `SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY ${order}`, [tenantId])).rows;
  return {
    ...((await snapshot(fx, tenantId)) as object),
    payments: await rows('payments', 'id'),
    refunds: await rows('refunds', 'id'),
    ledger: await rows('ledger_entries', 'journal_id, line_no'),
  };
}

/**
 * Runs `lock` in a transaction of its own and keeps it open, its row locks held, until the
 * returned `release` is called (PostgreSQL only: PGlite runs one transaction at a time).
 */
export async function holdLocks(
  fx: DatabaseFixture,
  lock: (tx: Queryable) => Promise<unknown>,
): Promise<() => Promise<void>> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const holder = fx.db.transaction(sqlScope(), async (tx) => {
    await lock(tx);
    locked();
    await released;
  });
  // A failing lock ends the holder first: its rejection is the answer, not a hang.
  await Promise.race([isLocked, holder]);
  return async () => {
    release();
    await holder;
  };
}
