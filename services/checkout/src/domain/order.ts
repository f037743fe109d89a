import { type CheckoutErrorCode, fail } from './errors.ts';
import { type DomainEvent, domainEvent } from './events.ts';
import { type Currency, multiplyAmount, sumAmounts } from './money.ts';
import { canTransition, holdsStock, type OrderStatus, releasesStock, wasPaid } from './order-status.ts';
import { type OrderPricing, pricedUnitAmount } from './pricing.ts';
import type { ProductState } from './product.ts';

// SQL stays wider on purpose (`quantity > 0`, no line count): these bounds are input rules,
// guarded here and mirrored by the wire schema, not facts about stored rows.
export const maxOrderLines = 100;
export const maxLineQuantity = 1_000_000;

export interface RequestedLine {
  readonly productId: string;
  readonly quantity: number;
}

export interface OrderLine {
  readonly productId: string;
  readonly quantity: number;
  /** What each unit costs, fixed when the order was placed: the product's price, as priced then. */
  readonly unitAmount: number;
}

export interface OrderState {
  readonly id: string;
  readonly tenantId: string;
  readonly status: OrderStatus;
  readonly currency: Currency;
  readonly amountTotal: number;
  readonly lines: readonly OrderLine[];
  readonly version: number;
  readonly expiresAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface StockMovement {
  readonly productId: string;
  readonly quantity: number;
}

export type OrderEvent = DomainEvent<
  | 'order.created'
  | 'order.cancelled'
  | 'order.expired'
  | 'order.paid'
  | 'order.fulfilled'
  | 'order.partially_refunded'
  | 'order.refunded',
  OrderState
>;

export interface PlaceOrderInput {
  readonly id: string;
  readonly tenantId: string;
  readonly lines: readonly RequestedLine[];
  /** The tenant's current products for the requested ids (missing ones are absent). */
  readonly products: ReadonlyMap<string, ProductState>;
  readonly now: Date;
  readonly ttlMs: number;
  /** How lines are priced; `list` (the product's price) when omitted. */
  readonly pricing?: OrderPricing;
}

/** Not enough stock is an expected outcome, returned as data rather than thrown. */
export type PlaceOrderOutcome =
  | { readonly ok: true; readonly order: Order; readonly event: OrderEvent; readonly reserve: readonly StockMovement[] }
  | {
      readonly ok: false;
      readonly reason: 'insufficient_stock';
      readonly productId: string;
      readonly available: number;
    };

export interface Transition {
  readonly order: Order;
  readonly event: OrderEvent;
  /** Stock to give back to products as part of the same transaction. */
  readonly release: readonly StockMovement[];
}

/** Shape checks that need no data: run before touching the database. */
export function validateRequestedLines(lines: readonly RequestedLine[]): void {
  if (lines.length === 0) fail('invalid', 'invalid_request', 'An order needs at least one line.');
  if (lines.length > maxOrderLines) fail('invalid', 'invalid_request', `An order has at most ${maxOrderLines} lines.`);
  const seen = new Set<string>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > maxLineQuantity) {
      fail('invalid', 'invalid_request', `quantity must be an integer between 1 and ${maxLineQuantity}.`);
    }
    if (seen.has(line.productId)) {
      fail('invalid', 'duplicate_product', `Product ${line.productId} appears in more than one line.`);
    }
    seen.add(line.productId);
  }
}

interface Refusal {
  readonly code: CheckoutErrorCode;
  readonly why: string;
}

const refundRefusal: Refusal = {
  code: 'order_not_refundable',
  why: 'only paid, fulfilled or partially_refunded orders can be refunded',
};

/** The order aggregate: owns its lines, totals and lifecycle. */
export class Order {
  readonly #state: OrderState;

  private constructor(state: OrderState) {
    this.#state = state;
  }

  static place(input: PlaceOrderInput): PlaceOrderOutcome {
    validateRequestedLines(input.lines);
    const lines: OrderLine[] = [];
    let currency: Currency | undefined;
    for (const requested of input.lines) {
      const product = input.products.get(requested.productId);
      if (!product) fail('invalid', 'unknown_product', `No such product: ${requested.productId}.`);
      currency ??= product.currency;
      if (product.currency !== currency) {
        fail(
          'invalid',
          'mixed_currencies',
          `All lines must share one currency (${currency} and ${product.currency} given).`,
        );
      }
      const unitAmount = pricedUnitAmount(input.pricing ?? 'list', product.unitAmount, requested.quantity);
      lines.push({ productId: product.id, quantity: requested.quantity, unitAmount });
    }
    const amountTotal = sumAmounts(lines.map((line) => multiplyAmount(line.unitAmount, line.quantity)));
    for (const line of lines) {
      const available = input.products.get(line.productId)?.stock ?? 0;
      if (available < line.quantity)
        return { ok: false, reason: 'insufficient_stock', productId: line.productId, available };
    }
    const state: OrderState = {
      id: input.id,
      tenantId: input.tenantId,
      status: 'pending_payment',
      // validateRequestedLines guarantees at least one line, so currency was set.
      currency: currency as Currency,
      amountTotal,
      lines,
      version: 1,
      expiresAt: new Date(input.now.getTime() + input.ttlMs),
      createdAt: input.now,
      updatedAt: input.now,
    };
    const reserve = lines.map(({ productId, quantity }) => ({ productId, quantity }));
    return { ok: true, order: new Order(state), event: domainEvent('order', 'order.created', state), reserve };
  }

  /** Rehydration from storage only: rows were validated when written. */
  static fromRow(state: OrderState): Order {
    return new Order(state);
  }

  get state(): OrderState {
    return this.#state;
  }

  /** Cancels an unpaid order, releasing its reserved stock exactly once. */
  cancel(now: Date): Transition {
    return this.#moveTo('cancelled', 'order.cancelled', now, {
      code: 'order_not_cancellable',
      why: 'only pending_payment orders can be cancelled',
    });
  }

  /**
   * Ends an unpaid order whose `expiresAt` has passed, releasing its reserved stock exactly once.
   * Refused before then (a job's stale list must not expire an order whose TTL was read wrong)
   * and once it left `pending_payment` (a payment or a cancel won the race).
   */
  expire(now: Date): Transition {
    const refusal: Refusal = { code: 'order_not_expirable', why: 'only pending_payment orders past expires_at expire' };
    if (now.getTime() < this.#state.expiresAt.getTime()) {
      fail('conflict', refusal.code, `Order ${this.#state.id} expires at ${this.#state.expiresAt.toISOString()}.`);
    }
    return this.#moveTo('expired', 'order.expired', now, refusal);
  }

  /**
   * Marks the order paid once its payment captured the total. The reserved stock is consumed,
   * not released: the units were sold.
   */
  pay(now: Date): Transition {
    const refusal: Refusal = wasPaid(this.#state.status)
      ? { code: 'order_already_paid', why: 'it was paid already' }
      : { code: 'order_not_payable', why: 'only pending_payment orders can be paid' };
    return this.#moveTo('paid', 'order.paid', now, refusal);
  }

  /** Marks a paid order's goods as sent (the fulfillment consumer, after `order.paid`). */
  fulfill(now: Date): Transition {
    return this.#moveTo('fulfilled', 'order.fulfilled', now, {
      code: 'order_not_fulfillable',
      why: 'only paid orders can be fulfilled',
    });
  }

  /** Records money given back: all of what was captured (`fully`) or part of it so far. */
  refund(fully: boolean, now: Date): Transition {
    return fully
      ? this.#moveTo('refunded', 'order.refunded', now, refundRefusal)
      : this.#moveTo('partially_refunded', 'order.partially_refunded', now, refundRefusal);
  }

  /**
   * The lifecycle table (`canTransition`) is the one guard; each intention names the code a
   * refused move answers with, so clients learn what they asked for, not a generic refusal.
   */
  #moveTo(status: OrderStatus, type: OrderEvent['type'], now: Date, refusal: Refusal): Transition {
    if (!canTransition(this.#state.status, status)) {
      fail('conflict', refusal.code, `Order ${this.#state.id} is ${this.#state.status}; ${refusal.why}.`);
    }
    const release =
      holdsStock(this.#state.status) && releasesStock(status)
        ? this.#state.lines.map(({ productId, quantity }) => ({ productId, quantity }))
        : [];
    const next: OrderState = { ...this.#state, status, version: this.#state.version + 1, updatedAt: now };
    return { order: new Order(next), event: domainEvent('order', type, next), release };
  }
}
