import type { Database, DeadlineScope } from '@keelson/kit/db';
import type { FakeStore } from '../app/fakes.ts';

/**
 * What a contract test reads and seeds behind the repositories' back, per backend: SQL on
 * the databases, the fake store for the in-memory fakes.
 */
export interface Direct {
  insertTenant(id: string): Promise<void>;
  /** Every row a tenant owns, in a stable order; only compared with another of the same backend. */
  snapshot(tenantId: string): Promise<unknown>;
  outbox(tenantId: string, type: string | undefined): Promise<OutboxRow[]>;
  stock(tenantId: string, productId: string): Promise<number | undefined>;
}

export interface OutboxRow {
  readonly id: string;
  readonly type: string;
  readonly aggregate_type: string;
  readonly aggregate_id: string;
  readonly aggregate_version: number;
  readonly occurred_at: Date;
  /** `jsonb_typeof(data)`: proves the payload is stored as a JSON object, not a string. */
  readonly data_kind: string;
  readonly data: unknown;
}

/** Budget for the tests' own direct SQL. */
export function sqlScope(): DeadlineScope {
  return { deadline: Date.now() + 15_000 };
}

export function sqlDirect(db: Database): Direct {
  const read = <Row>(sql: string, params: readonly unknown[]) =>
    db.transaction(sqlScope(), async (tx) => (await tx.query<Row>(sql, params)).rows);
  return {
    async insertTenant(id) {
      await read('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3)', [id, `Tenant ${id}`, new Date()]);
    },
    snapshot(tenantId) {
      return db.transaction(sqlScope(), async (tx) => {
        const all = async (table: 'products' | 'orders' | 'order_lines' | 'outbox', order: string) =>
          (await tx.query(`SELECT * FROM ${table} WHERE tenant_id = $1 ORDER BY ${order}`, [tenantId])).rows;
        return {
          products: await all('products', 'id'),
          orders: await all('orders', 'id'),
          lines: await all('order_lines', 'order_id, line_no'),
          outbox: await all('outbox', 'id'),
        };
      });
    },
    outbox(tenantId, type) {
      return read<OutboxRow>(
        `SELECT id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, jsonb_typeof(data) AS data_kind, data
         FROM outbox WHERE tenant_id = $1 AND ($2::text IS NULL OR type = $2) ORDER BY id`,
        [tenantId, type ?? null],
      );
    },
    async stock(tenantId, productId) {
      const rows = await read<{ stock: number }>('SELECT stock FROM products WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        productId,
      ]);
      return rows[0]?.stock;
    },
  };
}

/** The same reads over a fake store; events are stored as jsonb stores them (JSON, Dates as strings). */
export function storeDirect(store: FakeStore): Direct {
  const owned = <T extends { readonly id: string; readonly tenantId: string }>(
    rows: ReadonlyMap<string, T>,
    tenantId: string,
  ) => [...rows.values()].filter((row) => row.tenantId === tenantId).sort((a, b) => (a.id < b.id ? -1 : 1));
  const eventsOf = (tenantId: string) =>
    store.events.filter(
      (event) =>
        (event.aggregateType === 'order' ? store.orders : store.products).get(event.aggregateId)?.tenantId === tenantId,
    );
  return {
    async insertTenant(id) {
      store.tenants.set(id, { id, name: `Tenant ${id}`, createdAt: new Date() });
    },
    async snapshot(tenantId) {
      return {
        products: owned(store.products, tenantId),
        orders: owned(store.orders, tenantId),
        outbox: eventsOf(tenantId),
      };
    },
    async outbox(tenantId, type) {
      return eventsOf(tenantId)
        .filter((event) => type === undefined || event.type === type)
        .map((event, index) => {
          const data: unknown = JSON.parse(JSON.stringify(event.data));
          return {
            id: `evt_${index}`,
            type: event.type,
            aggregate_type: event.aggregateType,
            aggregate_id: event.aggregateId,
            aggregate_version: event.aggregateVersion,
            occurred_at: event.occurredAt,
            data_kind: Array.isArray(data) ? 'array' : data === null ? 'null' : typeof data,
            data,
          };
        });
    },
    async stock(tenantId, productId) {
      const product = store.products.get(productId);
      return product?.tenantId === tenantId ? product.stock : undefined;
    },
  };
}
