import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { withTenant } from '../src/context/index.ts';
import { AppError } from '../src/errors/index.ts';
import { apiContentSecurityPolicy, createHttpServer, docsContentSecurityPolicy } from '../src/http/index.ts';
import { type CapturedLogs, captureLogs, listen, waitFor } from './http-test-support.ts';

interface Harness {
  readonly app: FastifyInstance;
  readonly base: string;
  readonly logs: CapturedLogs;
}

async function start(
  t: { after(fn: () => Promise<unknown>): void },
  routes: (app: FastifyInstance) => void,
): Promise<Harness> {
  const logs = captureLogs();
  const app = createHttpServer({ logger: logs.logger });
  routes(app);
  const base = await listen(app);
  t.after(() => app.close());
  return { app, base, logs };
}

const orderSchema = {
  body: {
    type: 'object',
    required: ['sku'],
    properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
  },
} as const;

function orderRoutes(app: FastifyInstance): void {
  app.get('/orders/:id', async (request) => ({ requestId: request.ctx.requestId }));
  app.post('/orders', { schema: orderSchema }, async () => ({ created: true }));
}

/** Asserts the RFC 9457 shape every error shares and returns the document. */
async function problemOf(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  assert.equal(response.status, status);
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const problem = (await response.json()) as Record<string, unknown>; // JSON object per the content type
  assert.equal(problem.code, code);
  assert.equal(problem.status, status);
  assert.equal(problem.type, `urn:keelson:problem:${code}`);
  assert.equal(problem.request_id, response.headers.get('x-request-id'));
  assert.equal('stack' in problem, false);
  return problem;
}

const json = { 'content-type': 'application/json' };

test('a sane inbound X-Request-Id is kept and echoed, into request.ctx too', async (t) => {
  const { base } = await start(t, orderRoutes);
  const response = await fetch(`${base}/orders/1`, { headers: { 'x-request-id': 'upstream-42.a_b' } });
  assert.equal(response.headers.get('x-request-id'), 'upstream-42.a_b');
  assert.deepEqual(await response.json(), { requestId: 'upstream-42.a_b' });
});

test('a missing or unsafe X-Request-Id is replaced by a generated one', async (t) => {
  const { base } = await start(t, orderRoutes);
  for (const inbound of [undefined, 'has space', 'x'.repeat(129), 'semi;colon']) {
    const headers: Record<string, string> = inbound === undefined ? {} : { 'x-request-id': inbound };
    const response = await fetch(`${base}/orders/1`, { headers });
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    await response.body?.cancel();
  }
});

test('the request id is echoed on error responses', async (t) => {
  const { base } = await start(t, orderRoutes);
  const response = await fetch(`${base}/missing`, { headers: { 'x-request-id': 'trace-1' } });
  assert.equal(response.headers.get('x-request-id'), 'trace-1');
  assert.equal((await problemOf(response, 404, 'route_not_found')).request_id, 'trace-1');
});

test('exactly one access-log line per request, with the route pattern and the tenant', async (t) => {
  const { base, app, logs } = await start(t, (api) => {
    api.addHook('onRequest', async (request) => {
      if (request.headers['x-tenant'] === 'acme') request.ctx = withTenant(request.ctx, 'acme');
    });
    orderRoutes(api);
  });
  const response = await fetch(`${base}/orders/ord_9?verbose=1`, {
    headers: { 'x-request-id': 'r-1', 'x-tenant': 'acme' },
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  await waitFor(() => logs.accessLines().length === 1, 'the access-log line');
  await app.close();

  assert.equal(logs.accessLines().length, 1);
  const line = logs.accessLines()[0] ?? {};
  assert.equal(line.level, 'info');
  assert.equal(line.method, 'GET');
  assert.equal(line.route, '/orders/:id');
  assert.equal(line.status, 200);
  assert.equal(line.request_id, 'r-1');
  assert.equal(line.tenant, 'acme');
  assert.equal(typeof line.duration_ms, 'number');
  assert.ok(
    logs.lines().every((l) => l.msg !== 'incoming request'),
    'Fastify request logging is off',
  );
  assert.equal(logs.lines().filter((l) => l.request_id === 'r-1').length, 1);
});

test('an unknown route is a 404 problem, labelled unmatched in the access log', async (t) => {
  const { base, logs } = await start(t, orderRoutes);
  await problemOf(await fetch(`${base}/nowhere/at/all`), 404, 'route_not_found');
  await waitFor(() => logs.accessLines().length === 1, 'the access-log line');
  assert.equal(logs.accessLines()[0]?.route, 'unmatched');
});

test('a known path with the wrong method is a 405 problem with Allow', async (t) => {
  const { base } = await start(t, orderRoutes);
  const deleted = await fetch(`${base}/orders/ord_1`, { method: 'DELETE' });
  assert.equal(deleted.headers.get('allow'), 'GET, HEAD');
  await problemOf(deleted, 405, 'method_not_allowed');
  const put = await fetch(`${base}/orders`, { method: 'PUT', headers: json, body: '{}' });
  assert.equal(put.headers.get('allow'), 'POST');
  await problemOf(put, 405, 'method_not_allowed');
});

test('a body over 1 MiB is a 413 problem', async (t) => {
  const { base } = await start(t, orderRoutes);
  const body = JSON.stringify({ sku: 'x'.repeat(1024 * 1024) });
  await problemOf(await fetch(`${base}/orders`, { method: 'POST', headers: json, body }), 413, 'payload_too_large');
});

test('malformed or empty JSON is a 400 invalid_json problem', async (t) => {
  const { base } = await start(t, orderRoutes);
  for (const body of ['{"sku":', '']) {
    await problemOf(await fetch(`${base}/orders`, { method: 'POST', headers: json, body }), 400, 'invalid_json');
  }
});

test('an unsupported content type on a body route is a 415 problem', async (t) => {
  const { base } = await start(t, orderRoutes);
  const response = await fetch(`${base}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: '<a/>',
  });
  await problemOf(response, 415, 'unsupported_media_type');
});

test('a schema violation is a 400 invalid_request problem with field issues', async (t) => {
  const { base } = await start(t, orderRoutes);
  const cases = [
    { body: { sku: 'a', quantity: 0 }, issue: { path: 'body.quantity', message: 'must be >= 1' } },
    { body: { quantity: 2 }, issue: { path: 'body.sku', message: "must have required property 'sku'" } },
  ];
  for (const { body, issue } of cases) {
    const response = await fetch(`${base}/orders`, { method: 'POST', headers: json, body: JSON.stringify(body) });
    const problem = await problemOf(response, 400, 'invalid_request');
    assert.deepEqual(problem.issues, [issue]);
  }
});

test('an AppError maps through httpStatusOf; an unknown error is a bare 500 logged with its cause', async (t) => {
  const { base, logs } = await start(t, (api) => {
    api.get('/conflict', async () => {
      throw new AppError('conflict', 'order_not_pending', 'The order is no longer pending.');
    });
    api.get('/bug', async () => {
      throw new Error('connection string postgres://secret@db');
    });
  });
  const conflict = await problemOf(await fetch(`${base}/conflict`), 409, 'order_not_pending');
  assert.equal(conflict.detail, 'The order is no longer pending.');

  const bug = await fetch(`${base}/bug`);
  const text = await bug.clone().text();
  await problemOf(bug, 500, 'internal_error');
  assert.doesNotMatch(text, /secret|postgres|at /);
  const errorLine = logs.lines().find((line) => line.level === 'error');
  const err = errorLine?.err as { message?: string; stack?: string } | undefined; // pino's err serializer shape
  assert.equal(err?.message, 'connection string postgres://secret@db');
  assert.match(err?.stack ?? '', /http-chassis\.test\.ts/);
});

test('a URL that is not valid percent-encoding is a 400 problem with a request id', async (t) => {
  const { base } = await start(t, orderRoutes);
  await problemOf(await fetch(`${base}/orders/%E0%A4%A`), 400, 'invalid_request');
});

test('security headers: strict CSP on the API, a Swagger-compatible one under /docs, no-store by default, document-only headers on the docs only', async (t) => {
  const { base } = await start(t, (api) => {
    orderRoutes(api);
    api.get('/docs/static/index.html', async (_request, reply) => reply.type('text/html').send('<html></html>'));
    api.get('/cacheable', async (_request, reply) => reply.header('cache-control', 'max-age=60').send({}));
  });
  const order = await fetch(`${base}/orders/1`);
  assert.equal(order.headers.get('content-security-policy'), apiContentSecurityPolicy);
  assert.equal(order.headers.get('cache-control'), 'no-store');
  assert.equal(order.headers.get('x-content-type-options'), 'nosniff');
  assert.match(order.headers.get('strict-transport-security') ?? '', /max-age=/);
  for (const name of ['x-frame-options', 'referrer-policy', 'cross-origin-resource-policy'])
    assert.ok(order.headers.has(name), `${name} on an API answer`);
  // Only a rendered document acts on these: the API leaves them out, the docs keep them.
  const documentOnly = ['cross-origin-opener-policy', 'origin-agent-cluster', 'x-dns-prefetch-control'];
  for (const name of [...documentOnly, 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection'])
    assert.equal(order.headers.get(name), null, `${name} on an API answer`);
  const docs = await fetch(`${base}/docs/static/index.html`);
  assert.equal(docs.headers.get('content-security-policy'), docsContentSecurityPolicy);
  for (const name of documentOnly) assert.ok(docs.headers.has(name), `${name} on a docs page`);
  assert.equal((await fetch(`${base}/cacheable`)).headers.get('cache-control'), 'max-age=60');
  const missing = await fetch(`${base}/missing`);
  assert.equal(missing.headers.get('content-security-policy'), apiContentSecurityPolicy);
});

test('a POST reaches its handler with the context signal live (the body being read does not abort it)', async (t) => {
  const app = createHttpServer({ logger: captureLogs().logger });
  let abortedInHandler: boolean | undefined;
  let abortedAfter: Promise<boolean> | undefined;
  app.post('/work', async (request) => {
    // Node closes the request stream once its body is read; the context must outlive that.
    if (!request.raw.closed) await once(request.raw, 'close');
    abortedInHandler = request.ctx.signal.aborted;
    const signal = request.ctx.signal;
    abortedAfter = new Promise((resolve) => signal.addEventListener('abort', () => resolve(true), { once: true }));
    return { ok: true };
  });
  const base = await listen(app);
  t.after(() => app.close());
  const response = await fetch(`${base}/work`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ a: 1 }),
  });
  assert.equal(response.status, 200);
  assert.equal(abortedInHandler, false);
  assert.equal(await abortedAfter, true, 'aborted once the exchange is over');
});
