import { type RequestContext, tenantOf } from '@keelson/kit/context';
import { fail } from '../../domain/errors.ts';
import type { ProductState } from '../../domain/product.ts';
import type { ProductRepository } from '../ports.ts';

export function getProduct(deps: { products: ProductRepository }) {
  return async (ctx: RequestContext, id: string): Promise<ProductState> => {
    // Another tenant's product is indistinguishable from a missing one: 404, never 403.
    const product = await deps.products.get(ctx, tenantOf(ctx), id);
    if (!product) fail('not_found', 'product_not_found', `No such product: ${id}.`);
    return product;
  };
}
