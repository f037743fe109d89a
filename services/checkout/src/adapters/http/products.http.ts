import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Application } from '../../app/application.ts';
import { conditionalHeaders, matchesNoneMatch, notModified, revalidateEveryTime, versionTag } from './etag.ts';
import { operation } from './operation.ts';
import { createProductBody, idParams, listOf, listProductsQuery, productSchema, updateProductBody } from './schemas.ts';
import { listToWire, pageRequest, productToWire } from './wire.ts';

export function productRoutes(app: Application): FastifyPluginAsyncZod {
  return async (fastify) => {
    fastify.post(
      '/products',
      operation(
        {
          id: 'createProduct',
          tag: 'products',
          summary: 'Create a product',
          scope: 'write',
          priority: 'write',
          idempotency: 'optional',
        },
        { body: createProductBody, response: { 201: productSchema } },
      ),
      async (request, reply) => {
        const { sku, name, price, stock } = request.body;
        const product = await app.commands.createProduct(request.ctx, {
          sku,
          name,
          unitAmount: price.amount,
          currency: price.currency,
          stock,
        });
        return reply
          .code(201)
          .header('location', `${fastify.prefix}/products/${product.id}`)
          .header('etag', versionTag(product.version))
          .send(productToWire(product));
      },
    );

    fastify.get(
      '/products/:id',
      operation(
        { id: 'getProduct', tag: 'products', summary: 'Retrieve a product', scope: 'read', priority: 'read' },
        { params: idParams, headers: conditionalHeaders, response: { 200: productSchema, 304: notModified } },
      ),
      async (request, reply) => {
        const product = await app.queries.getProduct(request.ctx, request.params.id);
        const etag = versionTag(product.version);
        reply.header('etag', etag).header('cache-control', revalidateEveryTime);
        // No payload at all: `send(null)` is serialized to "null" with Content-Length 4, which a 304
        // must not carry (RFC 9110 §8.6) and which stalls parsers that believe it. The typed send()
        // wants the schema's null; undefined skips serialization, so nothing is sent, as the schema says.
        if (matchesNoneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(undefined as never);
        return productToWire(product);
      },
    );

    fastify.get(
      '/products',
      operation(
        {
          id: 'listProducts',
          tag: 'products',
          summary: 'List products, newest first',
          scope: 'read',
          priority: 'bulk',
          cost: 2,
        },
        { querystring: listProductsQuery, response: { 200: listOf(productSchema, 'ProductListV2') } },
      ),
      async (request) => {
        return listToWire(await app.queries.listProducts(request.ctx, pageRequest(request.query)), productToWire);
      },
    );

    fastify.patch(
      '/products/:id',
      operation(
        {
          id: 'updateProduct',
          tag: 'products',
          summary: 'Update name, price or stock (optimistic concurrency on version)',
          scope: 'write',
          priority: 'write',
          idempotency: 'optional',
        },
        { params: idParams, body: updateProductBody, response: { 200: productSchema } },
      ),
      async (request, reply) => {
        const { name, price, stock, version } = request.body;
        const product = await app.commands.updateProduct(request.ctx, {
          id: request.params.id,
          version,
          ...(name === undefined ? {} : { name }),
          ...(price === undefined ? {} : { unitAmount: price.amount }),
          ...(price?.currency === undefined ? {} : { currency: price.currency }),
          ...(stock === undefined ? {} : { stock }),
        });
        return reply.header('etag', versionTag(product.version)).send(productToWire(product));
      },
    );
  };
}
