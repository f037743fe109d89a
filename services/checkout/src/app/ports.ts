import type { RequestContext } from '@keelson/kit/context';
import type { ApiKey, ApiKeySummary, Tenant } from '../domain/access.ts';
import type { DeadLetterSource, DeadLetterState } from '../domain/dead-letter.ts';
import type { CurrencyBalance } from '../domain/ledger.ts';
import type { Currency } from '../domain/money.ts';
import type { Order, OrderState, PlaceOrderOutcome, RequestedLine, Transition } from '../domain/order.ts';
import type { OrderStatus } from '../domain/order-status.ts';
import type { ChargeOutcome, PaymentSettlement, PaymentState, PaymentStatus } from '../domain/payment.ts';
import type { OrderPricing } from '../domain/pricing.ts';
import type { Product, ProductEvent, ProductState } from '../domain/product.ts';
import type { RefundOutcome, RefundSettlement, RefundState } from '../domain/refund.ts';

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

/** How the asking tenant's new orders are priced (a feature flag decides, per tenant). */
export type PricingPolicy = (ctx: RequestContext) => Promise<OrderPricing>;

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

export interface ExpiryScan {
  readonly dueBy: Date;
  readonly limit: number;
}

/** An order named across tenants (upkeep jobs). */
export interface OrderRef {
  readonly tenantId: string;
  readonly id: string;
}

export interface OrderRepository {
  /**
   * In one transaction: runs the pure `place` on the requested products, and on success writes
   * the order and its event and reserves stock with a conditional decrement, deciding on the
   * products as locked (the PostgreSQL adapter locks them late, ADR 0018: `place` may run twice).
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
  /**
   * Unpaid orders of every tenant whose `expires_at` is at or before `dueBy`, oldest first: what
   * the expiry job expires (each through `update`, which re-checks under the order's lock).
   */
  listDueForExpiry(ctx: RequestContext, scan: ExpiryScan): Promise<readonly OrderRef[]>;
  /** Locks the order, runs the pure `transition`, writes it, its event and any stock release. */
  update(
    ctx: RequestContext,
    tenantId: string,
    id: string,
    transition: (order: Order) => Transition,
  ): Promise<OrderState>;
  /**
   * An event consumer's `update`: in one transaction, records `receipt` (the inbox) and, unless
   * it was recorded before, locks the order and runs `transition`, which may decline (undefined).
   */
  updateOnce(
    ctx: RequestContext,
    tenantId: string,
    id: string,
    receipt: EventReceipt,
    transition: (order: Order) => Transition | undefined,
  ): Promise<ConsumedOutcome>;
}

/**
 * Sends an order's goods (simulated in this service). Called before the order is marked
 * fulfilled, outside its transaction, so a redelivery may call it again for the same order:
 * a real implementation keys its request by the order id.
 */
export interface Shipping {
  ship(ctx: RequestContext, orderId: string): Promise<void>;
}

/** Operator actions on the outbox. */
export interface OutboxAdmin {
  /** Marks the published events with ids in [fromId, toId] unpublished; returns how many. */
  republish(ctx: RequestContext, fromId: string, toId: string): Promise<number>;
}

/** Which consumer applies which event: recorded in the transaction of the effect. */
export interface EventReceipt {
  readonly consumer: string;
  readonly eventId: string;
}

/** What a consumer's transaction did: changed something, found nothing to change, or had seen the event. */
export type ConsumedOutcome = 'applied' | 'unchanged' | 'duplicate';

export interface PaymentListFilter extends PageRequest {
  /** Only this order's payments (an unknown order gives an empty page). */
  readonly orderId?: string;
}

/** A reconcile batch: the oldest items still pending, across tenants. */
export interface PendingScan {
  /** Only items created before this instant: younger ones may still be in flight. */
  readonly olderThan: Date;
  readonly limit: number;
}

/**
 * Payments and their refunds. Every write is one transaction that locks, runs a pure closure,
 * and writes the rows, outbox events and ledger postings it returns; none calls the provider.
 * Locks are always taken order -> payment -> refund, so no two of these calls can deadlock.
 */
export interface PaymentRepository {
  /**
   * Locks the order, runs `start` (the domain's `startPayment`) and records the pending payment.
   * At most one payment per order is pending or succeeded (a partial unique index): another
   * answers `payment_in_progress` (or `order_already_paid`). Unknown order: `order_not_found`.
   * A key already recorded (a concurrent same-key attempt) is `idempotency_request_in_progress`.
   */
  begin(
    ctx: RequestContext,
    tenantId: string,
    orderId: string,
    start: (order: OrderState) => PaymentState,
  ): Promise<PaymentState>;
  /** The payment begun under the client's Idempotency-Key: a retry's recovery point. */
  findByIdempotencyKey(ctx: RequestContext, tenantId: string, key: string): Promise<PaymentState | undefined>;
  get(ctx: RequestContext, tenantId: string, id: string): Promise<PaymentState | undefined>;
  /** Newest first; a cursor that is not one of the tenant's payments is `invalid_cursor`. */
  list(ctx: RequestContext, tenantId: string, filter: PaymentListFilter): Promise<Page<PaymentState>>;
  /** Pending payments of every tenant, oldest first, for reconcile. */
  listPending(ctx: RequestContext, scan: PendingScan): Promise<readonly PaymentState[]>;
  /**
   * Locks the order and the payment, runs `settle` (the domain's `settlePayment` with the
   * provider's answer), and writes the payment, the order's transition, the events and the
   * balanced postings. Returns the payment as stored; unknown: `payment_not_found`.
   */
  settle(
    ctx: RequestContext,
    tenantId: string,
    paymentId: string,
    settle: (payment: PaymentState, order: Order) => PaymentSettlement,
  ): Promise<PaymentState>;
  /**
   * Locks the payment, so refunds of one payment begin one at a time, reads what its pending
   * and succeeded refunds reserve, runs `start` (the domain's `startRefund`) and records the
   * pending refund. Unknown payment: `payment_not_found`; a key already recorded:
   * `idempotency_request_in_progress`.
   */
  beginRefund(
    ctx: RequestContext,
    tenantId: string,
    paymentId: string,
    start: (payment: PaymentState, reserved: number) => RefundState,
  ): Promise<RefundState>;
  findRefundByIdempotencyKey(ctx: RequestContext, tenantId: string, key: string): Promise<RefundState | undefined>;
  getRefund(ctx: RequestContext, tenantId: string, id: string): Promise<RefundState | undefined>;
  /** The payment's refunds, newest first; unknown payment: `payment_not_found`. */
  listRefunds(ctx: RequestContext, tenantId: string, paymentId: string): Promise<readonly RefundState[]>;
  /** Pending refunds of every tenant, oldest first, for reconcile. */
  listPendingRefunds(ctx: RequestContext, scan: PendingScan): Promise<readonly RefundState[]>;
  /** As `settle`, for a refund: locks order, payment and refund. Unknown: `refund_not_found`. */
  settleRefund(
    ctx: RequestContext,
    tenantId: string,
    refundId: string,
    settle: (refund: RefundState, payment: PaymentState, order: Order) => RefundSettlement,
  ): Promise<RefundState>;
}

/** What the ledger says one payment moved, to compare with what the provider says. */
export interface PaymentLedgerTotals {
  readonly tenantId: string;
  readonly paymentId: string;
  readonly providerPaymentId: string | null;
  readonly status: PaymentStatus;
  readonly currency: Currency;
  /** The payment row's own figures, which the postings must agree with. */
  readonly amount: number;
  readonly amountRefunded: number;
  /** Put into provider_receivable by the capture. */
  readonly captured: number;
  /** Taken back out of provider_receivable by refunds. */
  readonly refunded: number;
  /** The refunds behind `refunded`, oldest first, with the provider's ids to look each one up. */
  readonly refunds: readonly {
    readonly refundId: string;
    readonly providerRefundId: string | null;
    readonly amount: number;
  }[];
}

export interface LedgerTotalsPage {
  readonly limit: number;
  /** The last payment id of the previous page (payments of every tenant, in id order). */
  readonly startingAfter?: string;
}

/** Read model for `ledger verify`: spans every tenant. */
export interface LedgerReader {
  /** Debits and credits per currency over the whole ledger. */
  balances(ctx: RequestContext): Promise<readonly CurrencyBalance[]>;
  /** Per payment that has postings, in payment id order (oldest first). */
  totalsByPayment(ctx: RequestContext, page: LedgerTotalsPage): Promise<Page<PaymentLedgerTotals>>;
}

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

/**
 * Keys recently read, so a warm request needs neither the database nor a hash. An entry read
 * before a revocation must never be stored after it: `lookup` hands out a `remember` bound to
 * the cache's state at that moment, which stores nothing if a revocation came since.
 */
export interface KeyCache {
  lookup(keyId: string): CachedKeyLookup;
  /**
   * After the revocation committed: drops the key here and on every instance before resolving.
   * `traceparent`: the revoking request's, for a span of the broadcast.
   */
  revoked(keyId: string, traceparent?: string): Promise<void>;
}

export type CachedKeyLookup =
  | { readonly hit: true; readonly entry: CachedKey }
  | { readonly hit: false; remember(key: ApiKey | undefined): CachedKey };

export interface CachedKey {
  /** Undefined: no such key (remembered briefly). */
  readonly key: ApiKey | undefined;
  /** Whether `secret` is the key's, in constant time; cheaper than a hash once one matched. */
  matches(secret: string): boolean;
}

// Payment provider

/** The provider's side of one charge, for reconciliation. Amounts in minor units. */
export interface ProviderCharge {
  readonly providerPaymentId: string;
  /** The provider's own status word (`succeeded`, `requires_action`, …). */
  readonly status: string;
  readonly amount: number;
  readonly amountReceived: number;
  readonly amountRefunded: number;
  /** Upper-case ISO-4217, as the domain spells it. */
  readonly currency: string;
  readonly keelsonPaymentId: string | undefined;
}

export interface ChargeRequest {
  readonly paymentId: string;
  readonly idempotencyKey: string;
  readonly amount: number;
  /** Upper-case ISO-4217. */
  readonly currency: string;
  readonly paymentMethod: string;
}

export interface RefundRequest {
  readonly refundId: string;
  readonly idempotencyKey: string;
  readonly providerPaymentId: string;
  readonly amount: number;
}

export interface PaymentProvider {
  /**
   * Creates and confirms a PaymentIntent (amount, currency, payment_method, confirm=true,
   * metadata[keelson_payment_id]) with Idempotency-Key = request.idempotencyKey: repeating it —
   * after a lost answer, a crash, a timeout — returns the original outcome and never charges
   * twice. Declines and requires_action are outcomes (data); transient failures (network,
   * provider 5xx/429 after retries, breaker open, bulkhead full, deadline) throw AppError:
   * unavailable `payment_provider_unavailable` with its Retry-After where known (found by
   * `retryAfterMsOf`), or `deadline_exceeded`.
   */
  charge(ctx: RequestContext, request: ChargeRequest): Promise<ChargeOutcome>;
  /** As `charge`: keyed, safe to repeat; a refusal (more than remains, nothing left) is `rejected`. */
  refund(ctx: RequestContext, request: RefundRequest): Promise<RefundOutcome>;
  /**
   * Provider-side view of one charge, for reconciliation (`ledger verify`): amount captured
   * and refunded. Hedged read. Undefined when the provider does not know the id.
   */
  retrieveCharge(ctx: RequestContext, providerPaymentId: string): Promise<ProviderCharge | undefined>;
  /**
   * Milliseconds until the provider may be called again while its circuit breaker is open (a
   * call now would be refused without reaching it); `undefined` when a call may go out.
   */
  unavailableForMs(): number | undefined;
}

// Dead letters

export interface DeadLetterListFilter extends PageRequest {
  readonly source?: DeadLetterSource;
}

/**
 * Dead letters of every source (jobs, consumed events, webhook deliveries), administered through
 * the admin API and CLI. Writing them is each source's own business, inside its own transaction.
 */
export interface DeadLetterRepository {
  /** Newest first; a cursor outside the (filtered) list is `invalid_cursor`. */
  list(ctx: RequestContext, filter: DeadLetterListFilter): Promise<Page<DeadLetterState>>;
  get(ctx: RequestContext, id: string): Promise<DeadLetterState | undefined>;
  /**
   * Locks the entry, runs the pure `resolve` and writes its result; a result marked `replayed`
   * is handed to its source's replayer in the same transaction, so the entry is marked exactly
   * when its work is re-enqueued. Unknown: `dead_letter_not_found`; a source with no replayer
   * here: `dead_letter_not_replayable` (nothing changes).
   */
  resolve(
    ctx: RequestContext,
    id: string,
    resolve: (letter: DeadLetterState) => DeadLetterState,
  ): Promise<DeadLetterState>;
}
