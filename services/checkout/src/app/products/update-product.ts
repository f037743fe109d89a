import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { ProductChanges, ProductState } from '../../domain/product.ts';
import type { Clock, ProductRepository } from '../ports.ts';

export interface UpdateProductInput extends ProductChanges {
  readonly id: string;
  /** The version the caller last saw; a stale one is `version_conflict`. */
  readonly version: number;
}

export function updateProduct(deps: { products: ProductRepository; clock: Clock }) {
  return async (ctx: RequestContext, input: UpdateProductInput): Promise<ProductState> => {
    const { id, version, ...changes } = input;
    return deps.products.update(ctx, tenantOf(ctx), id, (product) =>
      product.change(changes, version, deps.clock.now()),
    );
  };
}
