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
  fulfilled: [],
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
