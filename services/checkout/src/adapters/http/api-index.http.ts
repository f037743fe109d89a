import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiIndexSchema, problemSchema } from './schemas.ts';

/**
 * `GET /v1`: the address the welcome banner prints. Public on purpose: it names the same
 * paths every client can already read in /openapi.json and nothing about any tenant, so a
 * key would protect nothing and only make the first request of a new user fail.
 */
export function apiIndexRoutes(paths: { readonly docs: string; readonly openapi: string }): FastifyPluginAsyncZod {
  return async (fastify) => {
    const prefix = fastify.prefix;
    const index = {
      object: 'api',
      version: prefix.slice(1),
      resources: {
        products: `${prefix}/products`,
        orders: `${prefix}/orders`,
        payments: `${prefix}/payments`,
        events: `${prefix}/events`,
        webhook_endpoints: `${prefix}/webhook_endpoints`,
      },
      docs: paths.docs,
      openapi: paths.openapi,
    } as const;
    fastify.get(
      '/',
      {
        // `/v1` only: `/v1/` would be a second spelling of the same address in the document.
        prefixTrailingSlash: 'no-slash',
        schema: {
          operationId: 'getApiIndex',
          tags: ['api'],
          summary: 'Where the resources and the documentation are',
          security: [],
          // 400: the chassis still refuses a bad X-Request-Deadline or a missing Host.
          response: { 200: apiIndexSchema, 400: problemSchema },
        },
      },
      async () => index,
    );
  };
}
