/**
 * How an order's lines are priced. `list`: every unit at the product's price. `volume` (behind
 * the `order-volume-pricing` flag): a line of at least {@link volumeDiscount}.minQuantity units
 * pays its unit price less the discount. Either way the line's `unitAmount` is what each unit
 * costs, so a total is always the sum of unit × quantity and refunds, ledgers and the wire
 * need nothing new.
 */
export type OrderPricing = 'list' | 'volume';

/** The volume tier, stated once: 5 % off each unit of a line of 10 or more. */
export const volumeDiscount = { minQuantity: 10, basisPoints: 500 } as const;

/**
 * The unit price a line pays. The discount is rounded down to the minor unit, in the buyer's
 * favour by less than one minor unit per unit, never up; integer arithmetic only (a unit
 * price is at most `maxAmount` ≈ 10^11, times 500 stays far below 2^53).
 */
export function pricedUnitAmount(pricing: OrderPricing, unitAmount: number, quantity: number): number {
  if (pricing === 'list' || quantity < volumeDiscount.minQuantity) return unitAmount;
  return unitAmount - Math.floor((unitAmount * volumeDiscount.basisPoints) / 10_000);
}
