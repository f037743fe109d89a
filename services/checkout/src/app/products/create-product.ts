import type { RequestContext } from '@keelson/kit/context';
import { tenantOf } from '@keelson/kit/context';
import type { IdGenerator } from '@keelson/kit/ids';
import { Product, type ProductState } from '../../domain/product.ts';
import type { Clock, ProductRepository } from '../ports.ts';

export interface CreateProductInput {
  readonly sku: string;
  readonly name: string;
  readonly unitAmount: number;
  readonly currency: string;
  readonly stock: number;
}

export function createProduct(deps: { products: ProductRepository; clock: Clock; newId: IdGenerator }) {
  return async (ctx: RequestContext, input: CreateProductInput): Promise<ProductState> => {
    const { product, event } = Product.create({
      ...input,
      id: deps.newId('prod'),
      tenantId: tenantOf(ctx),
      now: deps.clock.now(),
    });
    await deps.products.insert(ctx, product, event);
    return product.state;
  };
}
