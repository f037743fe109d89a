import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { remainingMs, tenantOf } from '@keelson/kit/context';
import { compiledZodSerializer } from '@keelson/kit/http';
import { type IdempotencyStore, installIdempotency } from '@keelson/kit/idempotency';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import type { Application } from '../../app/application.ts';
import { apiIndexRoutes } from './api-index.http.ts';
import { installAuthentication } from './authenticate.hook.ts';
import { eventRoutes } from './events.http.ts';
import { withIdempotencyHeader } from './idempotency-header.ts';
import { type ApiLimits, installRateLimits, installShedLimits } from './limits.http.ts';
import { withLimitHeaders } from './limits-openapi.ts';
import { polishOpenApiDocument } from './openapi-polish.ts';
import { apiKeySchemeDescription, withRequiredScope } from './openapi-security.ts';
import { orderRoutes } from './orders.http.ts';
import { paymentRoutes } from './payments.http.ts';
import { productRoutes } from './products.http.ts';
import { v1DocumentHeaders } from './v1-openapi.ts';
import { apiVersions, versionsDescription } from './versions.ts';
import { webhookRoutes } from './webhooks.http.ts';

const docsPath = '/docs';
const openApiPath = '/openapi.json';
/** How long past its deadline an idempotency lease lasts: time to store the answer. */
const idempotencyLeaseMarginMs = 5_000;

export interface ApiOptions {
  readonly version: string;
  /** Where idempotency keys are kept (the service's database). */
  readonly idempotencyStore: IdempotencyStore;
  /** Rate limits per key and load shedding (composition/limits.ts). */
  readonly limits: ApiLimits;
}

/**
 * Mounts the public REST API: `/v2` and the deprecated `/v1` (the index public, the rest behind an
 * API key), `/openapi.json` with both and the `/docs` reference page.
 * The zod compilers are set inside each version's scope only: set globally they would also try to
 * compile the JSON-schema routes that the docs plugin ships.
 */
export async function registerApi(fastify: FastifyInstance, app: Application, options: ApiOptions): Promise<void> {
  await fastify.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Keelson Checkout API',
        version: options.version,
        description: `Catalog, orders and stock for your checkout. Errors are RFC 9457 problem documents with a stable \`code\`.\n\n${versionsDescription}`,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/', description: 'This server' }],
      tags: [
        { name: 'api', description: 'The entry point: where resources and documentation are' },
        { name: 'products', description: 'Catalog entries with price and stock' },
        { name: 'orders', description: 'Orders that reserve stock until paid, cancelled or expired' },
        { name: 'payments', description: 'Payments of orders through the payment provider, and their refunds' },
        { name: 'webhooks', description: 'Endpoints that receive signed events, and their deliveries' },
        { name: 'events', description: 'What happened, in the order it committed' },
      ],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: apiKeySchemeDescription },
        },
      },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      return { ...out, schema: withRequiredScope(withIdempotencyHeader(out.schema, input.route), input.route) };
    },
    transformObject: (input) =>
      v1DocumentHeaders(withLimitHeaders(polishOpenApiDocument(jsonSchemaTransformObject(input)))),
  });
  await fastify.register(fastifySwaggerUi, { routePrefix: docsPath, uiConfig: { deepLinking: true } });
  fastify.get(openApiPath, { schema: { hide: true } }, async () => fastify.swagger());

  // One set of routes, mounted once per version (versions.ts): /v2 as written, /v1 through its adapter.
  for (const version of apiVersions) {
    await fastify.register(
      async (scope) => {
        version.install(scope);
        scope.setValidatorCompiler(validatorCompiler);
        scope.setSerializerCompiler(compiledZodSerializer);
        await scope.register(apiIndexRoutes({ docs: docsPath, openapi: openApiPath }));
        // Its own scope so the hook covers these routes and not the public index above.
        await scope.register(async (authenticated) => {
          // Hook order is the order of these calls: shed (before any lookup), authenticate, rate-limit
          // per key, then idempotency, so a shed, unauthenticated or limited request stores nothing.
          installShedLimits(authenticated, options.limits);
          installAuthentication(authenticated, app);
          installRateLimits(authenticated, options.limits);
          // After authentication (a rejected request stores nothing), before the routes it guards.
          installIdempotency(authenticated, {
            store: options.idempotencyStore,
            scopeOf: (request) => tenantOf(request.ctx),
            // The lease outlives the request's own deadline, so a live request is never taken over.
            leaseMs: (request) => remainingMs(request.ctx) + idempotencyLeaseMarginMs,
          });
          await authenticated.register(productRoutes(app));
          await authenticated.register(orderRoutes(app));
          await authenticated.register(paymentRoutes(app));
          await authenticated.register(webhookRoutes(app));
          await authenticated.register(eventRoutes(app));
        });
      },
      { prefix: version.prefix },
    );
  }
}
