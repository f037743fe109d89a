// Post-processing of the generated OpenAPI document: what the schema-to-document transform
// cannot know. Error responses are problem documents, every response gets a real description,
// and schema variants nobody references (zod input/output twins) are dropped.

type Json = Record<string, unknown>;

const descriptions: Readonly<Record<string, string>> = {
  '200': 'OK',
  '201': 'Created',
  '400': 'Invalid request (see `code` and `issues`)',
  '401': 'Missing, malformed, unknown or revoked API key',
  '403': 'The API key lacks the required scope',
  '404': 'No such object for this tenant',
  '409': 'Conflict with the current state (see `code`)',
};

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function polishResponses(responses: Json): void {
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    response.description = descriptions[status] ?? response.description;
    const content = response.content;
    if (Number(status) >= 400 && isObject(content) && content['application/json'] !== undefined) {
      response.content = { 'application/problem+json': content['application/json'] };
    }
  }
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
  if (isObject(root.paths)) {
    for (const item of Object.values(root.paths)) {
      if (!isObject(item)) continue;
      for (const operation of Object.values(item)) {
        if (isObject(operation) && isObject(operation.responses)) polishResponses(operation.responses);
      }
    }
  }
  dropUnreferencedSchemas(root);
  return document;
}
