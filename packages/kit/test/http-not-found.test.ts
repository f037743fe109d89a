import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../src/http/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

// 404 versus 405: only a request that matched no route for its own method, but a route for
// another method, is a 405. A route that matched and then answered "not found" itself (as
// @fastify/static does for a missing file, through reply.callNotFound()) is a 404, even when
// the route is a wildcard that "has" every path under it.

async function start(t: { after(fn: () => Promise<unknown>): void }, routes: (app: FastifyInstance) => void) {
  const app = createHttpServer({ logger: captureLogs().logger });
  routes(app);
  const base = await listen(app);
  t.after(() => app.close());
  return base;
}

async function codeOf(response: Response): Promise<unknown> {
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const problem = (await response.json()) as Record<string, unknown>; // a problem document per the content type
  return problem.code;
}

function staticFiles(app: FastifyInstance): void {
  app.get('/static/*', async (request, reply) => {
    // Stands in for @fastify/static: one file exists, anything else is handed to the 404 handler.
    const { '*': file } = request.params as { '*': string }; // the wildcard param is always a string
    return file === 'app.js' ? reply.type('text/javascript').send('1') : reply.callNotFound();
  });
}

test('a wildcard route whose handler calls callNotFound answers 404 route_not_found, not 405', async (t) => {
  const base = await start(t, staticFiles);
  assert.equal((await fetch(`${base}/static/app.js`)).status, 200);
  for (const path of ['/static/missing.js', '/static/..%2f..%2fpackage.json', '/static/a/b/c']) {
    for (const method of ['GET', 'HEAD']) {
      const response = await fetch(`${base}${path}`, { method });
      assert.equal(response.status, 404, `${method} ${path}`);
      assert.equal(response.headers.get('allow'), null, `${method} ${path}`);
      if (method === 'GET') assert.equal(await codeOf(response), 'route_not_found', path);
      else await response.body?.cancel();
    }
  }
});

test('a path served under the wildcard with another method is still 405 with Allow', async (t) => {
  const base = await start(t, staticFiles);
  const response = await fetch(`${base}/static/missing.js`, { method: 'DELETE' });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get('allow'), 'GET, HEAD');
  assert.equal(await codeOf(response), 'method_not_allowed');
});

test('a parametric route whose handler calls callNotFound answers 404, and other methods 405', async (t) => {
  const base = await start(t, (app) => {
    app.get('/things/:id', async (_request, reply) => reply.callNotFound());
    app.delete('/things/:id', async () => ({ deleted: true }));
  });
  const get = await fetch(`${base}/things/1`);
  assert.equal(get.status, 404);
  assert.equal(await codeOf(get), 'route_not_found');
  const put = await fetch(`${base}/things/1`, { method: 'PUT' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'DELETE, GET, HEAD');
});
