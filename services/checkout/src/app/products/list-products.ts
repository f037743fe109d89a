import { type RequestContext, tenantOf } from '@keelson/kit/context';
import type { ProductState } from '../../domain/product.ts';
import type { Page, PageRequest, ProductRepository } from '../ports.ts';

export function listProducts(deps: { products: ProductRepository }) {
  return async (ctx: RequestContext, page: PageRequest): Promise<Page<ProductState>> =>
    deps.products.list(ctx, tenantOf(ctx), page);
}
