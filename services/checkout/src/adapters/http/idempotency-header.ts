import type { FastifySchema, RouteOptions } from 'fastify';

/**
 * The `Idempotency-Key` request header in the OpenAPI document of every route that takes one.
 * Documentation only: the kit's idempotency adapter validates the header itself (its own codes,
 * not a schema's 400), so the route's runtime schema does not declare it.
 */
export function withIdempotencyHeader(
  schema: FastifySchema,
  route: Pick<RouteOptions, 'config'> | undefined,
): FastifySchema {
  const mode = route?.config?.idempotency;
  if (mode === undefined) return schema;
  const header = {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    pattern: '^[ -~]+$',
    description:
      'Makes the request safe to retry: the same key with the same request replays the first answer (`Idempotent-Replayed: true`); with another request it is 422 `idempotency_key_reused`; while the first is running, 409. Keys are kept 24 h per tenant.',
  };
  return {
    ...schema,
    headers: {
      type: 'object',
      properties: { 'Idempotency-Key': header },
      ...(mode === 'required' ? { required: ['Idempotency-Key'] } : {}),
    },
  };
}
