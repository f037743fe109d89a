// Post-processing of the generated OpenAPI document: what the schema-to-document transform
// cannot know. Error responses are problem documents, every response gets a real description,
// every 201 declares its Location header, and schema variants nobody references (zod
// input/output twins) are dropped.

type Json = Record<string, unknown>;

const descriptions: Readonly<Record<string, string>> = {
  '200': 'OK',
  '201': 'Created',
  '304': 'Not Modified: the `If-None-Match` tag is current; no body',
  '400': 'Invalid request (see `code` and `issues`)',
  '401': 'Missing, malformed, unknown or revoked API key',
  '403': 'The API key lacks the required scope',
  '404': 'No such object for this tenant',
  '409': 'Conflict with the current state (see `code`)',
  '402': 'The card was declined (`card_declined`, with `decline_code` and `payment_id`)',
  '422': 'The Idempotency-Key was used for another request (`idempotency_key_reused`)',
  '503': 'A dependency is unavailable; retry after `Retry-After` seconds',
  '504': 'The request deadline passed; a payment left pending is resolved by a retry with the same key',
};

// fastify-type-provider-zod keeps only the body of a response schema, so headers cannot be
// declared on the route. Every create route sets this one (test/api/created-location.api.test.ts).
const locationHeader = {
  required: true,
  description: 'Path of the created object, relative to this server (RFC 9110 §10.2.2); GET it to read the object',
  schema: { type: 'string', format: 'uri-reference', examples: ['/v1/orders/ord_01J00000000000000000000000'] },
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A route that can answer 304 sets both on its 200 and 304 (test/api/product-etags.api.test.ts).
const validatorHeaders = {
  ETag: {
    required: true,
    description: "The representation's version as a strong validator; send it back in `If-None-Match`",
    schema: { type: 'string', examples: ['"3"'] },
  },
  'Cache-Control': {
    required: true,
    description: '`private, no-cache`: store it for this caller only, and revalidate before each use',
    schema: { type: 'string' },
  },
};

function polishResponses(responses: Json): void {
  const conditional = isObject(responses['304']);
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    response.description = descriptions[status] ?? response.description;
    if (conditional && (status === '200' || status === '304')) {
      response.headers = { ...(isObject(response.headers) ? response.headers : {}), ...validatorHeaders };
    }
    if (status === '304') delete response.content;
    if (status === '201') {
      response.headers = { ...(isObject(response.headers) ? response.headers : {}), Location: locationHeader };
    }
    const content = response.content;
    if (Number(status) >= 400 && isObject(content) && content['application/json'] !== undefined) {
      response.content = { 'application/problem+json': content['application/json'] };
    }
  }
}

/** A body schema that admits `null` (zod `.nullish()`) means the body may be left out. */
function markOptionalBodies(operation: Json, schemas: Json): void {
  const body = operation.requestBody;
  if (!isObject(body) || !isObject(body.content)) return;
  const media = body.content['application/json'];
  const ref = isObject(media) && isObject(media.schema) ? media.schema.$ref : undefined;
  const schema = typeof ref === 'string' ? schemas[ref.replace('#/components/schemas/', '')] : undefined;
  const variants = isObject(schema) && Array.isArray(schema.anyOf) ? schema.anyOf : [];
  if (variants.some((variant) => isObject(variant) && variant.type === 'null')) body.required = false;
}

function dropUnreferencedSchemas(document: Json): void {
  const components = document.components;
  if (!isObject(components) || !isObject(components.schemas)) return;
  const schemas = components.schemas;
  // A schema may reference another, so repeat until nothing more is dropped.
  for (;;) {
    const text = JSON.stringify({ ...document, components: { ...components, schemas: {} } }) + JSON.stringify(schemas);
    const unused = Object.keys(schemas).filter((name) => !text.includes(`"#/components/schemas/${name}"`));
    if (unused.length === 0) return;
    for (const name of unused) delete schemas[name];
  }
}

export function polishOpenApiDocument<T extends object>(document: T): T {
  // The document is plain JSON produced by @fastify/swagger.
  const root = document as unknown as Json;
  const schemas = isObject(root.components) && isObject(root.components.schemas) ? root.components.schemas : {};
  if (isObject(root.paths)) {
    for (const item of Object.values(root.paths)) {
      if (!isObject(item)) continue;
      for (const operation of Object.values(item)) {
        if (!isObject(operation)) continue;
        if (isObject(operation.responses)) polishResponses(operation.responses);
        markOptionalBodies(operation, schemas);
      }
    }
  }
  dropUnreferencedSchemas(root);
  return document;
}
