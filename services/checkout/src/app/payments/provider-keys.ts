/**
 * The provider's Idempotency-Key for our payment or refund: derived from our own id, so every
 * attempt to settle it (the client's retry, reconcile, a restarted process) sends the same key
 * and the provider answers the first outcome instead of charging again.
 */
export function providerKeyOf(id: string): string {
  return `keelson_${id}`;
}
