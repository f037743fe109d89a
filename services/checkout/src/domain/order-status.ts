export const orderStatuses = [
  'pending_payment',
  'paid',
  'fulfilled',
  'cancelled',
  'expired',
  'refunded',
  'partially_refunded',
] as const;

export type OrderStatus = (typeof orderStatuses)[number];

/** The order lifecycle (ARCHITECTURE.md §3). Anything not listed is an invalid transition. */
const allowed: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled', 'expired'],
  paid: ['fulfilled', 'refunded', 'partially_refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  // Money can go back after the goods went out (a return): fulfilment runs moments after payment
  // (ADR 0009), so a terminal `fulfilled` would end every refund.
  fulfilled: ['refunded', 'partially_refunded'],
  cancelled: [],
  expired: [],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

/** Statuses in which the order still holds reserved stock. */
export function holdsStock(status: OrderStatus): boolean {
  return status === 'pending_payment';
}

/**
 * Statuses that end an order without a sale, so its reserved stock goes back to the products.
 * Only these release: paying *consumes* the reservation (the units were sold and stay out of
 * stock), and a refund gives money back, not goods. Leaving `pending_payment` for `paid` must
 * therefore release nothing, although the order no longer holds stock afterwards.
 */
export function releasesStock(status: OrderStatus): boolean {
  return status === 'cancelled' || status === 'expired';
}

/** Statuses only reached through a payment: such an order is not payable again. */
export function wasPaid(status: OrderStatus): boolean {
  return status === 'paid' || status === 'fulfilled' || status === 'partially_refunded' || status === 'refunded';
}
