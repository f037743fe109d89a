import { v1Deprecation, v1DeprecationHeaders } from './versions.ts';

// v1's deprecation in the OpenAPI document: fastify-type-provider-zod keeps only response bodies,
// so the headers every v1 answer carries (versions.ts) are added here.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const headers = {
  Deprecation: {
    required: true,
    description: `v1 is deprecated since ${v1Deprecation.deprecatedAt.toISOString()} (RFC 9745 date: \`@\` and unix seconds); move to /v2`,
    schema: { type: 'string', examples: [v1DeprecationHeaders.deprecation] },
  },
  Sunset: {
    required: true,
    description: 'When v1 may stop answering (RFC 8594, an HTTP date)',
    schema: { type: 'string', examples: [v1DeprecationHeaders.sunset] },
  },
  Link: {
    required: true,
    description: 'The migration guide, `rel="deprecation"`',
    schema: { type: 'string', examples: [v1DeprecationHeaders.link] },
  },
};

/** Adds the deprecation headers to every response of every `/v1` operation; returns the document. */
export function v1DocumentHeaders<T>(document: T): T {
  const paths = isObject(document) && isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item) || !(path === '/v1' || path.startsWith('/v1/'))) continue;
    for (const operation of Object.values(item)) {
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      for (const response of Object.values(operation.responses)) {
        if (!isObject(response)) continue;
        response.headers = { ...(isObject(response.headers) ? response.headers : {}), ...headers };
      }
    }
  }
  return document;
}
