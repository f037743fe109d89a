import type { RequestContext } from '@keelson/kit/context';
import type { ApiKey, ApiKeySummary, Tenant } from '../domain/access.ts';
import type { Order, OrderState, PlaceOrderOutcome, RequestedLine, Transition } from '../domain/order.ts';
import type { OrderStatus } from '../domain/order-status.ts';
import type { Product, ProductEvent, ProductState } from '../domain/product.ts';

/** One page of a cursor-paginated list, newest first. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly hasMore: boolean;
}

export interface PageRequest {
  readonly limit: number;
  /** Id of the last item of the previous page; must belong to the tenant. */
  readonly startingAfter?: string;
}

export interface Clock {
  now(): Date;
}

export interface ProductRepository {
  /** Inserts the product and its event; a duplicate sku is `sku_taken`. */
  insert(ctx: RequestContext, product: Product, event: ProductEvent): Promise<void>;
  get(ctx: RequestContext, tenantId: string, id: string): Promise<ProductState | undefined>;
  list(ctx: RequestContext, tenantId: string, page: PageRequest): Promise<Page<ProductState>>;
  /** Locks the row, runs the pure `change`, writes the result and its event. */
  update(
    ctx: RequestContext,
    tenantId: string,
    id: string,
    change: (product: Product) => { product: Product; event: ProductEvent },
  ): Promise<ProductState>;
}

export interface OrderListFilter extends PageRequest {
  readonly status?: OrderStatus;
}

export interface OrderRepository {
  /**
   * In one transaction: locks the requested products, runs the pure `place`, and on success
   * reserves stock with a conditional decrement and writes the order and its event.
   */
  place(
    ctx: RequestContext,
    tenantId: string,
    lines: readonly RequestedLine[],
    place: (products: ReadonlyMap<string, ProductState>) => PlaceOrderOutcome,
    /**
     * The request's `Idempotency-Key`, recorded with the order in the same transaction: the
     * recovery point of a retry whose first attempt committed but never answered. A key can be
     * recorded once: a second attempt's transaction fails, so two attempts never both place.
     */
    idempotencyKey?: string,
  ): Promise<PlaceOrderOutcome>;
  /** The order placed under this `Idempotency-Key`, if one committed. */
  findByIdempotencyKey(ctx: RequestContext, tenantId: string, key: string): Promise<OrderState | undefined>;
  get(ctx: RequestContext, tenantId: string, id: string): Promise<OrderState | undefined>;
  list(ctx: RequestContext, tenantId: string, filter: OrderListFilter): Promise<Page<OrderState>>;
  /** Locks the order, runs the pure `transition`, writes it, its event and any stock release. */
  update(
    ctx: RequestContext,
    tenantId: string,
    id: string,
    transition: (order: Order) => Transition,
  ): Promise<OrderState>;
}

// composition/ still imports Scope from here; it moves to domain/access.ts with the
// composition rework, and then this re-export goes.
export type { Scope } from '../domain/access.ts';

/** Admin lists span every tenant; a cursor must name an item of the same (filtered) list. */
export interface TenantListFilter extends PageRequest {
  /** Only tenants with exactly this stored name. Names are labels, not keys: several may share one. */
  readonly name?: string;
}

export interface ApiKeyListFilter extends PageRequest {
  /** Only this tenant's keys; an unknown tenant is `tenant_not_found`, not an empty page. */
  readonly tenantId?: string;
}

/** Tenants and keys: administered through the admin API and CLI, read by authentication. */
export interface AccessRepository {
  insertTenant(ctx: RequestContext, tenant: Tenant): Promise<void>;
  getTenant(ctx: RequestContext, id: string): Promise<Tenant | undefined>;
  countTenants(ctx: RequestContext): Promise<number>;
  /** Newest first; a cursor outside the list is `invalid_cursor`. */
  listTenants(ctx: RequestContext, filter: TenantListFilter): Promise<Page<Tenant>>;
  insertKey(ctx: RequestContext, key: ApiKey): Promise<void>;
  /** Marks the key revoked (keeping the first revocation time); undefined when unknown. */
  revokeKey(ctx: RequestContext, id: string, at: Date): Promise<ApiKey | undefined>;
  findKey(ctx: RequestContext, id: string): Promise<ApiKey | undefined>;
  /** Newest first, never with the secret's hash; a cursor outside the list is `invalid_cursor`. */
  listKeys(ctx: RequestContext, filter: ApiKeyListFilter): Promise<Page<ApiKeySummary>>;
}
