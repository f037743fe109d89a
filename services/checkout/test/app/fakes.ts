import { createContext, type RequestContext, withTenant } from '@keelson/kit/context';
import { createIdGenerator } from '@keelson/kit/ids';
import pino from 'pino';
import { type Application, buildApplication } from '../../src/app/application.ts';
import type {
  AccessRepository,
  DeadLetterRepository,
  LedgerReader,
  OrderRepository,
  OutboxAdmin,
  Page,
  PageRequest,
  PaymentProvider,
  PaymentRepository,
  ProductRepository,
} from '../../src/app/ports.ts';
import type { EventReader, WebhookRepository, WebhookSettings } from '../../src/app/webhooks/ports.ts';
import type { ApiKey, Tenant } from '../../src/domain/access.ts';
import { fail } from '../../src/domain/errors.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { Order, type OrderState, type StockMovement } from '../../src/domain/order.ts';
import { Product, type ProductState } from '../../src/domain/product.ts';
import { unwired } from '../support/unwired.ts';

/**
 * In-memory ports for use-case tests. The product, order and access contract suites
 * (test/repositories/) run them beside the PostgreSQL adapters, so they keep the same
 * promises: rows are tenant-scoped (another tenant's id reads as missing), a closure that
 * throws writes nothing, lists page newest first. Every call is recorded, without the
 * request context, so a test can assert what a port was (or was never) shown.
 */
export interface Call {
  readonly port: 'products' | 'orders' | 'access' | 'shipping';
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface FakeStore {
  readonly calls: Call[];
  readonly products: Map<string, ProductState>;
  readonly orders: Map<string, OrderState>;
  /** `tenant\0idempotency key` → order id, as the order_requests table. */
  readonly orderRequests: Map<string, string>;
  readonly tenants: Map<string, Tenant>;
  readonly keys: Map<string, ApiKey>;
  /** What the outbox would hold, in write order. */
  readonly events: DomainEvent[];
  /** `consumer\0event id`, as the inbox table. */
  readonly inbox: Set<string>;
}

function ownedBy<T extends { readonly tenantId: string }>(
  rows: ReadonlyMap<string, T>,
  tenantId: string,
  id: string,
): T | undefined {
  const row = rows.get(id);
  return row?.tenantId === tenantId ? row : undefined;
}

// Ids are time-sortable, so newest first is id order, as in the PostgreSQL adapters.
function page<T extends { readonly id: string; readonly tenantId: string }>(
  rows: ReadonlyMap<string, T>,
  tenantId: string,
  limit: number,
  startingAfter: string | undefined,
  keep: (row: T) => boolean = () => true,
): Page<T> {
  if (startingAfter !== undefined && !ownedBy(rows, tenantId, startingAfter)) {
    fail('invalid', 'invalid_cursor', 'starting_after does not name one of your rows.');
  }
  const matching = [...rows.values()]
    .filter((row) => row.tenantId === tenantId && keep(row) && (startingAfter === undefined || row.id < startingAfter))
    .sort((a, b) => (a.id < b.id ? 1 : -1));
  return { items: matching.slice(0, limit), hasMore: matching.length > limit };
}

function moveStock(store: FakeStore, tenantId: string, moves: readonly StockMovement[], sign: 1 | -1, at: Date): void {
  // Check every move before applying any, as the adapter's single UPDATE does.
  const next = moves.map((move) => {
    const product = ownedBy(store.products, tenantId, move.productId);
    if (!product || product.stock + sign * move.quantity < 0)
      throw new Error(`Stock invariant broken for ${move.productId}.`);
    return { ...product, stock: product.stock + sign * move.quantity, version: product.version + 1, updatedAt: at };
  });
  for (const product of next) store.products.set(product.id, product);
}

export function createFakeStore(): FakeStore {
  return {
    calls: [],
    products: new Map(),
    orders: new Map(),
    orderRequests: new Map(),
    tenants: new Map(),
    keys: new Map(),
    events: [],
    inbox: new Set(),
  };
}

export function fakeProductRepository(store: FakeStore): ProductRepository {
  const record = (method: string, ...args: unknown[]) => store.calls.push({ port: 'products', method, args });
  return {
    async insert(_ctx, product, event) {
      record('insert', product.state, event);
      const p = product.state;
      if ([...store.products.values()].some((other) => other.tenantId === p.tenantId && other.sku === p.sku)) {
        fail('conflict', 'sku_taken', `A product with sku ${JSON.stringify(p.sku)} already exists.`);
      }
      store.products.set(p.id, p);
      store.events.push(event);
    },
    async get(_ctx, tenantId, id) {
      record('get', tenantId, id);
      return ownedBy(store.products, tenantId, id);
    },
    async list(_ctx, tenantId, request) {
      record('list', tenantId, request);
      return page(store.products, tenantId, request.limit, request.startingAfter);
    },
    async update(_ctx, tenantId, id, change) {
      record('update', tenantId, id);
      const current = ownedBy(store.products, tenantId, id);
      if (!current) fail('not_found', 'product_not_found', `No such product: ${id}.`);
      const { product, event } = change(Product.fromRow(current));
      store.products.set(id, product.state);
      store.events.push(event);
      return product.state;
    },
  };
}

export function fakeOrderRepository(store: FakeStore): OrderRepository {
  const record = (method: string, ...args: unknown[]) => store.calls.push({ port: 'orders', method, args });
  return {
    async place(_ctx, tenantId, lines, place, idempotencyKey) {
      record('place', tenantId, lines);
      const requestKey = idempotencyKey === undefined ? undefined : `${tenantId}\u0000${idempotencyKey}`;
      if (requestKey !== undefined && store.orderRequests.has(requestKey)) {
        fail(
          'conflict',
          'idempotency_request_in_progress',
          'Another attempt with this Idempotency-Key placed the order.',
        );
      }
      const products = new Map<string, ProductState>();
      for (const { productId } of lines) {
        const product = ownedBy(store.products, tenantId, productId);
        if (product) products.set(productId, product);
      }
      const outcome = place(products);
      if (!outcome.ok) return outcome;
      const order = outcome.order.state;
      moveStock(store, tenantId, outcome.reserve, -1, order.createdAt);
      store.orders.set(order.id, order);
      if (requestKey !== undefined) store.orderRequests.set(requestKey, order.id);
      store.events.push(outcome.event);
      return outcome;
    },
    async findByIdempotencyKey(_ctx, tenantId, key) {
      record('findByIdempotencyKey', tenantId, key);
      const id = store.orderRequests.get(`${tenantId}\u0000${key}`);
      return id === undefined ? undefined : ownedBy(store.orders, tenantId, id);
    },
    async get(_ctx, tenantId, id) {
      record('get', tenantId, id);
      return ownedBy(store.orders, tenantId, id);
    },
    async list(_ctx, tenantId, filter) {
      record('list', tenantId, filter);
      return page(
        store.orders,
        tenantId,
        filter.limit,
        filter.startingAfter,
        (o) => filter.status === undefined || o.status === filter.status,
      );
    },
    async listDueForExpiry(_ctx, scan) {
      record('listDueForExpiry', scan);
      return [...store.orders.values()]
        .filter((o) => o.status === 'pending_payment' && o.expiresAt.getTime() <= scan.dueBy.getTime())
        .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1))
        .slice(0, scan.limit)
        .map((o) => ({ tenantId: o.tenantId, id: o.id }));
    },
    async update(_ctx, tenantId, id, transition) {
      record('update', tenantId, id);
      const current = ownedBy(store.orders, tenantId, id);
      if (!current) fail('not_found', 'order_not_found', `No such order: ${id}.`);
      const { order, event, release } = transition(Order.fromRow(current));
      moveStock(store, tenantId, release, 1, order.state.updatedAt);
      store.orders.set(id, order.state);
      store.events.push(event);
      return order.state;
    },
    async updateOnce(_ctx, tenantId, id, receipt, transition) {
      record('updateOnce', tenantId, id, receipt);
      const key = `${receipt.consumer}\u0000${receipt.eventId}`;
      if (store.inbox.has(key)) return 'duplicate';
      const current = ownedBy(store.orders, tenantId, id);
      if (!current) fail('not_found', 'order_not_found', `No such order: ${id}.`);
      store.inbox.add(key);
      const change = transition(Order.fromRow(current));
      if (change === undefined) return 'unchanged';
      moveStock(store, tenantId, change.release, 1, change.order.state.updatedAt);
      store.orders.set(id, change.order.state);
      store.events.push(change.event);
      return 'applied';
    },
  };
}

// The admin lists span tenants, and their cursor must name a row of the same filtered list.
function listed<T extends { readonly id: string }>(
  rows: ReadonlyMap<string, T>,
  request: PageRequest,
  keep: (row: T) => boolean,
): Page<T> {
  const { limit, startingAfter } = request;
  const cursor = startingAfter === undefined ? undefined : rows.get(startingAfter);
  if (startingAfter !== undefined && !(cursor && keep(cursor))) {
    fail('invalid', 'invalid_cursor', 'starting_after does not name a row of this list.');
  }
  const matching = [...rows.values()].filter((row) => keep(row) && (cursor === undefined || row.id < cursor.id));
  matching.sort((a, b) => (a.id < b.id ? 1 : -1));
  return { items: matching.slice(0, limit), hasMore: matching.length > limit };
}

export function fakeAccessRepository(store: FakeStore): AccessRepository {
  const record = (method: string, ...args: unknown[]) => store.calls.push({ port: 'access', method, args });
  return {
    async insertTenant(_ctx, tenant) {
      record('insertTenant', tenant);
      store.tenants.set(tenant.id, tenant);
    },
    async getTenant(_ctx, id) {
      record('getTenant', id);
      return store.tenants.get(id);
    },
    async countTenants(_ctx) {
      record('countTenants');
      return store.tenants.size;
    },
    async insertKey(_ctx, key) {
      record('insertKey', key);
      store.keys.set(key.id, key);
    },
    async revokeKey(_ctx, id, at) {
      record('revokeKey', id, at);
      const key = store.keys.get(id);
      if (!key) return undefined;
      // Revoking twice keeps the first revocation time, as the adapter does.
      const revoked = { ...key, revokedAt: key.revokedAt ?? at };
      store.keys.set(id, revoked);
      return revoked;
    },
    async findKey(_ctx, id) {
      record('findKey', id);
      return store.keys.get(id);
    },
    async listTenants(_ctx, filter) {
      record('listTenants', filter);
      return listed(store.tenants, filter, (tenant) => filter.name === undefined || tenant.name === filter.name);
    },
    async listKeys(_ctx, filter) {
      record('listKeys', filter);
      const { tenantId } = filter;
      if (tenantId !== undefined && !store.tenants.has(tenantId)) {
        fail('not_found', 'tenant_not_found', `No such tenant: ${tenantId}.`);
      }
      const page = listed(store.keys, filter, (key) => tenantId === undefined || key.tenantId === tenantId);
      // Lists never read the hash, as the adapter never selects it.
      return { ...page, items: page.items.map(({ secretHash: _, ...summary }) => summary) };
    },
  };
}

export const fixedNow = new Date('2030-06-01T12:00:00.000Z');
export const orderTtlMs = 15 * 60_000;

export interface TestApplication {
  readonly app: Application;
  readonly store: FakeStore;
  /** Calls recorded on one port, in order. */
  callsTo(port: Call['port']): Call[];
}

export function createTestApplication(options: { readonly ratePlans?: readonly string[] } = {}): TestApplication {
  const store = createFakeStore();
  const app = buildApplication({
    products: fakeProductRepository(store),
    orders: fakeOrderRepository(store),
    access: fakeAccessRepository(store),
    payments: unwired<PaymentRepository>('payments'),
    ledger: unwired<LedgerReader>('ledger'),
    deadLetters: unwired<DeadLetterRepository>('deadLetters'),
    provider: unwired<PaymentProvider>('provider'),
    outbox: unwired<OutboxAdmin>('outbox'),
    shipping: {
      ship: async (_ctx, orderId) => void store.calls.push({ port: 'shipping', method: 'ship', args: [orderId] }),
    },
    // A fresh Date per call, so no caller can mutate the clock through a shared instance.
    clock: { now: () => new Date(fixedNow) },
    newId: createIdGenerator(),
    orderTtlMs,
    webhooks: unwired<WebhookRepository>('webhooks'),
    events: unwired<EventReader>('events'),
    webhookSettings: unwired<WebhookSettings>('webhookSettings'),
    ...(options.ratePlans === undefined ? {} : { ratePlans: options.ratePlans }),
  });
  return { app, store, callsTo: (port) => store.calls.filter((call) => call.port === port) };
}

const silent = pino({ level: 'silent' });
let requests = 0;

/** A context before authentication: no tenant. */
export function anonymousContext(): RequestContext {
  requests += 1;
  return createContext({ requestId: `req_${requests}`, timeoutMs: 5_000, logger: silent });
}

export function tenantContext(tenantId: string): RequestContext {
  return withTenant(anonymousContext(), tenantId);
}

/** A fresh tenant and a context acting for it. */
export async function newTenant(app: Application, name = 'Acme'): Promise<{ tenantId: string; ctx: RequestContext }> {
  const tenant = await app.access.createTenant(anonymousContext(), { name });
  return { tenantId: tenant.id, ctx: tenantContext(tenant.id) };
}
