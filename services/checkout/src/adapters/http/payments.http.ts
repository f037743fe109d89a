import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Application } from '../../app/application.ts';
import { operation } from './operation.ts';
import { paymentToWire, refundToWire } from './payment.wire.ts';
import {
  createPaymentBody,
  createRefundBody,
  listPaymentsQuery,
  paymentSchema,
  refundSchema,
} from './payment-schemas.ts';
import { idParams, listOf, problemSchema } from './schemas.ts';
import { listToWire, pageRequest } from './wire.ts';

/** What a provider call can answer besides success: a decline, the provider down, the deadline. */
const providerProblems = { 402: problemSchema, 503: problemSchema, 504: problemSchema };

/**
 * Payments and refunds need the provider: while its circuit is open they are refused here, a
 * route preHandler, so before the kit's idempotency preHandler (appended after it) takes the key.
 */
function providerGate(app: Application) {
  return { preHandler: async () => app.gates.requireProvider() };
}

/** The Idempotency-Key the kit's adapter checked (required on these routes, so always there). */
function keyOf(request: { idempotency: { key: string; recovered: boolean } | null }) {
  if (request.idempotency === null) throw new Error('a route with idempotency: required ran without a key');
  return request.idempotency;
}

export function paymentRoutes(app: Application): FastifyPluginAsyncZod {
  return async (fastify) => {
    fastify.post(
      '/orders/:id/payments',
      {
        ...providerGate(app),
        ...operation(
          {
            id: 'createPayment',
            tag: 'payments',
            summary: 'Pay an order: authorize and capture its total through the payment provider',
            scope: 'write',
            priority: 'critical',
            idempotency: 'required',
          },
          { params: idParams, body: createPaymentBody, response: { 201: paymentSchema, ...providerProblems } },
        ),
      },
      async (request, reply) => {
        const payment = await app.commands.payOrder(request.ctx, {
          orderId: request.params.id,
          paymentMethod: request.body.payment_method,
          idempotency: keyOf(request),
        });
        return reply
          .code(201)
          .header('location', `${fastify.prefix}/payments/${payment.id}`)
          .send(paymentToWire(payment));
      },
    );

    fastify.get(
      '/payments/:id',
      operation(
        { id: 'getPayment', tag: 'payments', summary: 'Retrieve a payment', scope: 'read', priority: 'read' },
        { params: idParams, response: { 200: paymentSchema } },
      ),
      async (request) => paymentToWire(await app.queries.getPayment(request.ctx, request.params.id)),
    );

    fastify.get(
      '/payments',
      operation(
        {
          id: 'listPayments',
          tag: 'payments',
          summary: 'List payments, newest first, optionally of one order',
          scope: 'read',
          priority: 'bulk',
          cost: 2,
        },
        { querystring: listPaymentsQuery, response: { 200: listOf(paymentSchema, 'PaymentListV2') } },
      ),
      async (request) => {
        const { order_id } = request.query;
        const page = await app.queries.listPayments(request.ctx, {
          ...pageRequest(request.query),
          ...(order_id === undefined ? {} : { orderId: order_id }),
        });
        return listToWire(page, paymentToWire);
      },
    );

    fastify.post(
      '/payments/:id/refunds',
      {
        ...providerGate(app),
        ...operation(
          {
            id: 'createRefund',
            tag: 'payments',
            summary: 'Refund a payment, in full (default) or in part; the sum never exceeds the capture',
            scope: 'write',
            priority: 'critical',
            idempotency: 'required',
          },
          {
            params: idParams,
            body: createRefundBody,
            response: { 201: refundSchema, 503: problemSchema, 504: problemSchema },
          },
        ),
      },
      async (request, reply) => {
        const refund = await app.commands.refundPayment(request.ctx, {
          paymentId: request.params.id,
          ...(request.body?.amount === undefined ? {} : { amount: request.body.amount.amount }),
          ...(request.body?.amount?.currency === undefined ? {} : { currency: request.body.amount.currency }),
          ...(request.body?.reason === undefined ? {} : { reason: request.body.reason }),
          idempotency: keyOf(request),
        });
        return reply.code(201).header('location', `${fastify.prefix}/refunds/${refund.id}`).send(refundToWire(refund));
      },
    );

    fastify.get(
      '/payments/:id/refunds',
      operation(
        {
          id: 'listPaymentRefunds',
          tag: 'payments',
          summary: "A payment's refunds, newest first",
          scope: 'read',
          priority: 'bulk',
          cost: 2,
        },
        {
          params: idParams,
          response: {
            200: z.object({ object: z.literal('list'), data: z.array(refundSchema), has_more: z.literal(false) }),
          },
        },
      ),
      async (request) => ({
        object: 'list' as const,
        data: (await app.queries.listRefunds(request.ctx, request.params.id)).map(refundToWire),
        has_more: false as const,
      }),
    );

    fastify.get(
      '/refunds/:id',
      operation(
        { id: 'getRefund', tag: 'payments', summary: 'Retrieve a refund', scope: 'read', priority: 'read' },
        { params: idParams, response: { 200: refundSchema } },
      ),
      async (request) => refundToWire(await app.queries.getRefund(request.ctx, request.params.id)),
    );
  };
}
