import type { Cache } from '@keelson/kit/cache';
import type { OrderRepository, ProductRepository } from '../../app/ports.ts';
import { releasesStock } from '../../domain/order-status.ts';
import type { ProductState } from '../../domain/product.ts';

/** One product's cache key: ids are unique per tenant only. */
export function productKey(tenantId: string, id: string): string {
  return `${tenantId}/${id}`;
}

/** How a product is stored in the shared tier: JSON with its two dates restored on the way back. */
export const productCodec = {
  encode: (product: ProductState): string => JSON.stringify(product),
  decode(text: string): ProductState {
    // Written by `encode` above from a ProductState; only the dates need reviving.
    const raw = JSON.parse(text) as ProductState & { createdAt: string; updatedAt: string };
    return Object.freeze({ ...raw, createdAt: new Date(raw.createdAt), updatedAt: new Date(raw.updatedAt) });
  },
};

/**
 * A state the cache hands to many reads is frozen: shared by construction, and what tells the
 * HTTP layer its wire form may be built once and shared (`oncePerFrozenObject`).
 */
function shared(state: ProductState | undefined): ProductState | undefined {
  return state === undefined ? undefined : Object.freeze(state);
}

/**
 * Product reads through the cache; every product write invalidates after its commit and before
 * it returns, so the caller's answer leaves only once no instance can serve the older version.
 */
export function cachedProducts(inner: ProductRepository, cache: Cache<ProductState>): ProductRepository {
  return {
    ...inner,
    get: (ctx, tenantId, id) =>
      cache.get(productKey(tenantId, id), async () => shared(await inner.get(ctx, tenantId, id)), ctx.traceparent),
    async insert(ctx, product, event) {
      await inner.insert(ctx, product, event);
      // A read of the id before it existed is not cached (misses are not), but say it anyway.
      await cache.invalidate([productKey(product.state.tenantId, product.state.id)], ctx.traceparent);
    },
    async update(ctx, tenantId, id, change) {
      const updated = await inner.update(ctx, tenantId, id, change);
      await cache.invalidate([productKey(tenantId, id)], ctx.traceparent);
      return updated;
    },
  };
}

/**
 * Orders move their products' stock (and version): placing reserves, cancelling or expiring
 * releases. Those products are invalidated after the order's commit, before it returns.
 */
export function stockInvalidatingOrders(inner: OrderRepository, cache: Cache<ProductState>): OrderRepository {
  const productsOf = (tenantId: string, lines: readonly { productId: string }[]) =>
    [...new Set(lines.map((line) => line.productId))].map((id) => productKey(tenantId, id));
  return {
    ...inner,
    async place(ctx, tenantId, lines, place, idempotencyKey) {
      const outcome = await inner.place(ctx, tenantId, lines, place, idempotencyKey);
      if (outcome.ok) await cache.invalidate(productsOf(tenantId, outcome.reserve), ctx.traceparent);
      return outcome;
    },
    async update(ctx, tenantId, id, transition) {
      const order = await inner.update(ctx, tenantId, id, transition);
      if (releasesStock(order.status)) await cache.invalidate(productsOf(tenantId, order.lines), ctx.traceparent);
      return order;
    },
  };
}
