// The rate-limit and shedding headers in the OpenAPI document: fastify-type-provider-zod keeps only
// response bodies, so headers are added here, on every operation that needs an API key.

type Json = Record<string, unknown>;

const rateLimitHeaders = {
  'RateLimit-Policy': {
    description:
      'The key\'s plan as a quota (draft-ietf-httpapi-ratelimit-headers): `q` requests per `w` seconds, e.g. `"default";q=200;w=2` (a burst of 200, refilled at 100 a second)',
    schema: { type: 'string', examples: ['"default";q=200;w=2'] },
  },
  RateLimit: {
    description: 'Requests left now (`r`) and seconds until the bucket is full again (`t`), e.g. `"default";r=150;t=1`',
    schema: { type: 'string', examples: ['"default";r=150;t=1'] },
  },
};

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before retrying; never earlier than the limit allows',
    schema: { type: 'integer', minimum: 1 },
  },
};

const descriptions: Readonly<Record<string, string>> = {
  '429':
    'Rate limited (`rate_limited`): the key is over its plan; `reason` is `rate` or `concurrency`. Retry after `Retry-After` seconds, with the same Idempotency-Key',
  '503':
    'Overloaded (`overloaded`, shed before any work) or a dependency is unavailable; retry after `Retry-After` seconds',
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Adds the headers to every response of the operations that require an API key; returns the document. */
export function withLimitHeaders<T>(document: T): T {
  const paths = isObject(document) && isObject(document.paths) ? document.paths : {};
  for (const item of Object.values(paths)) {
    if (!isObject(item)) continue;
    for (const operation of Object.values(item)) {
      // Public operations (the API index) declare `security: []` and are not limited.
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      if (Array.isArray(operation.security) && operation.security.length === 0) continue;
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!isObject(response)) continue;
        const headers = isObject(response.headers) ? response.headers : {};
        const limited = status === '503' ? {} : rateLimitHeaders;
        const retry = status === '429' || status === '503' ? retryAfter : {};
        response.headers = { ...headers, ...limited, ...retry };
        response.description = descriptions[status] ?? response.description;
      }
    }
  }
  return document;
}
