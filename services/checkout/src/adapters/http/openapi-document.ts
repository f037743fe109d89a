import { createMemoryIdempotencyStore } from '@keelson/kit/idempotency';
import { createMemoryRateLimitStore, createRateLimiter } from '@keelson/kit/ratelimit';
import Fastify from 'fastify';
import type { Application } from '../../app/application.ts';
import { serviceVersion } from '../../version.ts';
import { registerApi } from './api.ts';

// Building the document registers the routes but never calls a use case.
const documentOnly = new Proxy(
  {},
  {
    get() {
      throw new Error('buildOpenApiDocument: the application is not available while only building the document');
    },
  },
  // Safe: the routes only dereference the application inside request handlers, never at registration.
) as Application;

/** The OpenAPI 3.1 document, built without a database or a listening socket (lint, client generation). */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const fastify = Fastify({ logger: false });
  await registerApi(fastify, documentOnly, {
    version: serviceVersion,
    idempotencyStore: createMemoryIdempotencyStore(),
    limits: {
      limiter: createRateLimiter({ store: createMemoryRateLimitStore() }),
      plans: { policyOf: () => ({ name: 'default', rate: 1, burst: 1, concurrency: 1 }) },
      shedder: undefined,
    },
  });
  await fastify.ready();
  // @fastify/swagger returns the document as a plain JSON object.
  const document = fastify.swagger() as unknown as Record<string, unknown>;
  await fastify.close();
  return document;
}
