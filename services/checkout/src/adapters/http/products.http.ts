import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Application } from '../../app/application.ts';
import {
  createProductBody,
  idParams,
  listOf,
  listProductsQuery,
  problemResponses,
  productSchema,
  updateProductBody,
} from './schemas.ts';
import { listToWire, pageRequest, productToWire } from './wire.ts';

export function productRoutes(app: Application): FastifyPluginAsyncZod {
  return async (fastify) => {
    fastify.post(
      '/products',
      {
        schema: {
          operationId: 'createProduct',
          tags: ['products'],
          summary: 'Create a product',
          body: createProductBody,
          response: { 201: productSchema, ...problemResponses },
        },
        config: { scope: 'write' },
      },
      async (request, reply) => {
        const { sku, name, unit_amount, currency, stock } = request.body;
        const product = await app.commands.createProduct(request.ctx, {
          sku,
          name,
          unitAmount: unit_amount,
          currency,
          stock,
        });
        return reply
          .code(201)
          .header('location', `${fastify.prefix}/products/${product.id}`)
          .send(productToWire(product));
      },
    );

    fastify.get(
      '/products/:id',
      {
        schema: {
          operationId: 'getProduct',
          tags: ['products'],
          summary: 'Retrieve a product',
          params: idParams,
          response: { 200: productSchema, ...problemResponses },
        },
        config: { scope: 'read' },
      },
      async (request) => productToWire(await app.queries.getProduct(request.ctx, request.params.id)),
    );

    fastify.get(
      '/products',
      {
        schema: {
          operationId: 'listProducts',
          tags: ['products'],
          summary: 'List products, newest first',
          querystring: listProductsQuery,
          response: { 200: listOf(productSchema, 'ProductList'), ...problemResponses },
        },
        config: { scope: 'read' },
      },
      async (request) => {
        return listToWire(await app.queries.listProducts(request.ctx, pageRequest(request.query)), productToWire);
      },
    );

    fastify.patch(
      '/products/:id',
      {
        schema: {
          operationId: 'updateProduct',
          tags: ['products'],
          summary: 'Update name, price or stock (optimistic concurrency on version)',
          params: idParams,
          body: updateProductBody,
          response: { 200: productSchema, ...problemResponses },
        },
        config: { scope: 'write' },
      },
      async (request) => {
        const { name, unit_amount, stock, version } = request.body;
        const product = await app.commands.updateProduct(request.ctx, {
          id: request.params.id,
          version,
          ...(name === undefined ? {} : { name }),
          ...(unit_amount === undefined ? {} : { unitAmount: unit_amount }),
          ...(stock === undefined ? {} : { stock }),
        });
        return productToWire(product);
      },
    );
  };
}
