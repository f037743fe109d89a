import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Application } from '../../app/application.ts';
import { operation } from './operation.ts';
import { cancelOrderBody, createOrderBody, idParams, listOf, listOrdersQuery, orderSchema } from './schemas.ts';
import { listToWire, orderToWire, pageRequest } from './wire.ts';

export function orderRoutes(app: Application): FastifyPluginAsyncZod {
  return async (fastify) => {
    fastify.post(
      '/orders',
      operation(
        {
          id: 'createOrder',
          tag: 'orders',
          summary: 'Place an order, reserving stock atomically',
          scope: 'write',
          priority: 'write',
          idempotency: 'optional',
        },
        { body: createOrderBody, response: { 201: orderSchema } },
      ),
      async (request, reply) => {
        const lines = request.body.lines.map((l) => ({ productId: l.product_id, quantity: l.quantity }));
        const { idempotency } = request;
        const order = await app.commands.placeOrder(request.ctx, {
          lines,
          ...(idempotency === null ? {} : { idempotency }),
        });
        return reply.code(201).header('location', `${fastify.prefix}/orders/${order.id}`).send(orderToWire(order));
      },
    );

    fastify.get(
      '/orders/:id',
      operation(
        { id: 'getOrder', tag: 'orders', summary: 'Retrieve an order', scope: 'read', priority: 'read' },
        { params: idParams, response: { 200: orderSchema } },
      ),
      async (request) => orderToWire(await app.queries.getOrder(request.ctx, request.params.id)),
    );

    fastify.get(
      '/orders',
      operation(
        {
          id: 'listOrders',
          tag: 'orders',
          summary: 'List orders, newest first, optionally by status',
          scope: 'read',
          priority: 'bulk',
          cost: 2,
        },
        { querystring: listOrdersQuery, response: { 200: listOf(orderSchema, 'OrderListV2') } },
      ),
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
      operation(
        {
          id: 'cancelOrder',
          tag: 'orders',
          summary: 'Cancel an unpaid order and release its stock',
          scope: 'write',
          priority: 'write',
          idempotency: 'optional',
        },
        { params: idParams, body: cancelOrderBody, response: { 200: orderSchema } },
      ),
      async (request) => orderToWire(await app.commands.cancelOrder(request.ctx, request.params.id)),
    );
  };
}
