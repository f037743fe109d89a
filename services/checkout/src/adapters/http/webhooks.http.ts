import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Application } from '../../app/application.ts';
import { operation } from './operation.ts';
import { idParams, listOf } from './schemas.ts';
import { webhookDeliveryToWire, webhookEndpointToWire } from './webhook.wire.ts';
import {
  createWebhookEndpointBody,
  deletedWebhookEndpointSchema,
  pageOnlyQuery,
  rotateSecretBody,
  webhookDeliverySchema,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
} from './webhook-schemas.ts';
import { listToWire, pageRequest } from './wire.ts';

// Create and rotate take no Idempotency-Key: their answer holds the signing secret, and the
// idempotency store would keep it in plain text for a day (ADR 0011). A client that lost the
// answer lists its endpoints and deletes the extra one, or rotates again.

export function webhookRoutes(app: Application): FastifyPluginAsyncZod {
  return async (fastify) => {
    fastify.post(
      '/webhook_endpoints',
      operation(
        {
          id: 'createWebhookEndpoint',
          tag: 'webhooks',
          summary: 'Register a webhook endpoint; its signing secret is in this answer only',
          scope: 'write',
          priority: 'write',
        },
        { body: createWebhookEndpointBody, response: { 201: webhookEndpointWithSecretSchema } },
      ),
      async (request, reply) => {
        const { endpoint, secret } = await app.webhooks.createEndpoint(request.ctx, {
          url: request.body.url,
          enabledEvents: request.body.enabled_events,
        });
        return reply
          .code(201)
          .header('location', `${fastify.prefix}/webhook_endpoints/${endpoint.id}`)
          .send({ ...webhookEndpointToWire(endpoint), secret });
      },
    );

    fastify.get(
      '/webhook_endpoints',
      operation(
        {
          id: 'listWebhookEndpoints',
          tag: 'webhooks',
          summary: 'List webhook endpoints, newest first',
          scope: 'read',
          priority: 'bulk',
          cost: 2,
        },
        { querystring: pageOnlyQuery, response: { 200: listOf(webhookEndpointSchema, 'WebhookEndpointList') } },
      ),
      async (request) =>
        listToWire(await app.webhooks.listEndpoints(request.ctx, pageRequest(request.query)), webhookEndpointToWire),
    );

    fastify.get(
      '/webhook_endpoints/:id',
      operation(
        {
          id: 'getWebhookEndpoint',
          tag: 'webhooks',
          summary: 'Retrieve a webhook endpoint',
          scope: 'read',
          priority: 'read',
        },
        { params: idParams, response: { 200: webhookEndpointSchema } },
      ),
      async (request) => webhookEndpointToWire(await app.webhooks.getEndpoint(request.ctx, request.params.id)),
    );

    fastify.delete(
      '/webhook_endpoints/:id',
      operation(
        {
          id: 'deleteWebhookEndpoint',
          tag: 'webhooks',
          summary: 'Delete a webhook endpoint; deliveries not yet made are dropped',
          scope: 'write',
          priority: 'write',
        },
        { params: idParams, response: { 200: deletedWebhookEndpointSchema } },
      ),
      async (request) => {
        await app.webhooks.deleteEndpoint(request.ctx, request.params.id);
        return { object: 'webhook_endpoint' as const, id: request.params.id, deleted: true as const };
      },
    );

    fastify.post(
      '/webhook_endpoints/:id/rotate_secret',
      operation(
        {
          id: 'rotateWebhookSecret',
          tag: 'webhooks',
          summary: 'New signing secret (shown once); the old one keeps signing for the overlap window',
          scope: 'write',
          priority: 'write',
        },
        { params: idParams, body: rotateSecretBody, response: { 200: webhookEndpointWithSecretSchema } },
      ),
      async (request) => {
        const { endpoint, secret } = await app.webhooks.rotateSecret(request.ctx, request.params.id);
        return { ...webhookEndpointToWire(endpoint), secret };
      },
    );

    fastify.get(
      '/webhook_endpoints/:id/deliveries',
      operation(
        {
          id: 'listWebhookDeliveries',
          tag: 'webhooks',
          summary: "An endpoint's deliveries, newest first: attempts, status codes, timing, errors",
          scope: 'read',
          priority: 'bulk',
          cost: 2,
        },
        {
          params: idParams,
          querystring: pageOnlyQuery,
          response: { 200: listOf(webhookDeliverySchema, 'WebhookDeliveryList') },
        },
      ),
      async (request) =>
        listToWire(
          await app.webhooks.listDeliveries(request.ctx, request.params.id, pageRequest(request.query)),
          webhookDeliveryToWire,
        ),
    );
  };
}
