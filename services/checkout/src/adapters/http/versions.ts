import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { type V1Operation, v1Operations } from './v1-compat.ts';

// The API's versions (ADR 0017). The routes are written once, against v2's wire shapes; each
// version mounts them under its prefix and adapts them in an onRoute hook of its own scope, so
// the route files know nothing of versions.

/** v1's deprecation, stated once: the headers, the document and the README quote these. */
export const v1Deprecation = {
  /** When v1 became deprecated: the day /v2 shipped. */
  deprecatedAt: new Date('2026-12-07T00:00:00Z'),
  /** After this, /v1 may answer 410 or not at all. */
  sunsetAt: new Date('2027-06-30T23:59:59Z'),
  /** The migration guide, a path on this server (the reference page, whose description holds it). */
  guide: '/docs',
} as const;

/** The three headers of every v1 answer, errors and 304 included, computed once. */
export const v1DeprecationHeaders = {
  // RFC 9745: a structured-field Date, `@` and unix seconds.
  deprecation: `@${Math.floor(v1Deprecation.deprecatedAt.getTime() / 1_000)}`,
  // RFC 8594: an HTTP-date.
  sunset: v1Deprecation.sunsetAt.toUTCString(),
  link: `<${v1Deprecation.guide}>; rel="deprecation"; type="text/html"`,
} as const;

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The versions paragraph of the document's description: what `Link: </docs>` leads to. */
export const versionsDescription = [
  `**Versions.** \`/v2\` is current. \`/v1\` is deprecated since ${day(v1Deprecation.deprecatedAt)} and may be`,
  `gone after ${day(v1Deprecation.sunsetAt)} (its answers carry \`Deprecation\`, \`Sunset\` and \`Link\`).`,
  'They differ only in money: v2 reads and writes `{amount, currency}` objects (product `price`,',
  'order `total`, line `unit_price` and `total`, payment `amount` and `amount_refunded`, refund',
  '`amount`) where v1 has flat fields (`unit_amount`, `amount_total`, `amount`, each beside a',
  '`currency`). v2 operation ids end in `V2`. The migration guide is in the README',
  '("API versions: migrating from v1 to v2").',
].join(' ');

export interface ApiVersion {
  readonly prefix: '/v1' | '/v2';
  /** Adapts the routes registered in `scope` after this call; call it before registering them. */
  install(scope: FastifyInstance): void;
}

function operationIdOf(route: RouteOptions): string | undefined {
  const id = route.schema?.operationId;
  return typeof id === 'string' ? id : undefined;
}

function listOf<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T]; // Array.isArray narrows T[] only
}

/**
 * v2 as written. Its operation ids end in `V2`: one document holds both versions, and v1 keeps
 * the ids its generated clients were built with.
 */
export const v2: ApiVersion = {
  prefix: '/v2',
  install(scope) {
    scope.addHook('onRoute', (route: RouteOptions) => {
      const id = operationIdOf(route);
      if (id !== undefined) route.schema = { ...route.schema, operationId: `${id}V2` };
    });
  },
};

/** Swaps in v1's schemas and wraps the route with the converters of `v1Operations`. */
function adaptToV1(route: RouteOptions, operation: V1Operation): void {
  const schema = route.schema ?? {};
  route.schema = {
    ...schema,
    ...(operation.body === undefined ? {} : { body: operation.body.schema }),
    response: { ...(schema.response as object | undefined), ...operation.responses },
  };
  const { body } = operation;
  if (body !== undefined) {
    // In the handler, not a hook: validation has checked the v1 body (so a v1 client keeps v1's
    // issue paths), and the idempotency fingerprint was taken of it (keys stored before /v2
    // still match their retries).
    const handler = route.handler;
    route.handler = function v1Body(request, reply) {
      // Safe: the route's validator has just checked the body against `body.schema`.
      request.body = body.toV2(request.body as never);
      return handler.call(this, request, reply);
    };
  }
  const toV1 = operation.toV1 as (answer: unknown) => unknown;
  const converts = new Set(Object.keys(operation.responses).map(Number));
  // Before serialization, so the v1 schema serializes it and the idempotency kit (onSend) stores
  // and replays v1's bytes. Problems are sent as text and never come here; a 304 has no payload.
  const convert = (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: Done) => {
    done(null, converts.has(reply.statusCode) ? toV1(payload) : payload);
  };
  route.preSerialization = [...listOf(route.preSerialization), convert];
}

type Done = (error: Error | null, payload: unknown) => void;

/** v2's routes seen through v1's wire shapes, deprecated, with v1's operation ids. */
export const v1: ApiVersion = {
  prefix: '/v1',
  install(scope) {
    // onSend, not onRequest: it also runs for answers sent before this scope's hooks would (the
    // chassis's own 400s in its root onRequest hooks), and before the idempotency kit's onSend
    // (installed below), which stores `link` with the answer.
    scope.addHook('onSend', (_request, reply, payload, done) => {
      reply.headers(v1DeprecationHeaders);
      done(null, payload);
    });
    scope.addHook('onRoute', (route: RouteOptions) => {
      route.schema = { ...route.schema, deprecated: true };
      const id = operationIdOf(route);
      const operation = id === undefined ? undefined : v1Operations[id];
      if (operation !== undefined) adaptToV1(route, operation);
    });
  },
};

/** In mount order: v1 first, so the document lists it first as before. */
export const apiVersions: readonly ApiVersion[] = [v1, v2];
