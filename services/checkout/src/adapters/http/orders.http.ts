import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Application } from '../../app/application.ts';
import {
  cancelOrderBody,
  createOrderBody,
  idParams,
  listOf,
  listOrdersQuery,
  orderSchema,
  problemResponses,
} from './schemas.ts';
import { listToWire, orderToWire, pageRequest } from './wire.ts';

export function orderRoutes(app: Application): FastifyPluginAsyncZod {
  return async (fastify) => {
    fastify.post(
      '/orders',
      {
        schema: {
          operationId: 'createOrder',
          tags: ['orders'],
          summary: 'Place an order, reserving stock atomically',
          body: createOrderBody,
          response: { 201: orderSchema, ...problemResponses },
        },
        config: { scope: 'write' },
      },
      async (request, reply) => {
        const lines = request.body.lines.map((l) => ({ productId: l.product_id, quantity: l.quantity }));
        const order = await app.commands.placeOrder(request.ctx, { lines });
        return reply.code(201).header('location', `${fastify.prefix}/orders/${order.id}`).send(orderToWire(order));
      },
    );

    fastify.get(
      '/orders/:id',
      {
        schema: {
          operationId: 'getOrder',
          tags: ['orders'],
          summary: 'Retrieve an order',
          params: idParams,
          response: { 200: orderSchema, ...problemResponses },
        },
        config: { scope: 'read' },
      },
      async (request) => orderToWire(await app.queries.getOrder(request.ctx, request.params.id)),
    );

    fastify.get(
      '/orders',
      {
        schema: {
          operationId: 'listOrders',
          tags: ['orders'],
          summary: 'List orders, newest first, optionally by status',
          querystring: listOrdersQuery,
          response: { 200: listOf(orderSchema, 'OrderList'), ...problemResponses },
        },
        config: { scope: 'read' },
      },
      async (request) => {
        const { status } = request.query;
        const page = await app.queries.listOrders(request.ctx, {
          ...pageRequest(request.query),
          ...(status === undefined ? {} : { status }),
        });
        return listToWire(page, orderToWire);
      },
    );

    fastify.post(
      '/orders/:id/cancel',
      {
        schema: {
          operationId: 'cancelOrder',
          tags: ['orders'],
          summary: 'Cancel an unpaid order and release its stock',
          params: idParams,
          body: cancelOrderBody,
          response: { 200: orderSchema, ...problemResponses },
        },
        config: { scope: 'write' },
      },
      async (request) => orderToWire(await app.commands.cancelOrder(request.ctx, request.params.id)),
    );
  };
}
