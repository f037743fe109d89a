import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../src/http/index.ts';
import { type CapturedLogs, captureLogs, listen, portOf, waitFor } from './http-test-support.ts';

// RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host. It is a 4xx
// like any other, so it is a problem document with a request id, and it is logged.

async function start(t: {
  after(fn: () => Promise<unknown>): void;
}): Promise<{ app: FastifyInstance; logs: CapturedLogs }> {
  const logs = captureLogs();
  const app = createHttpServer({ logger: logs.logger });
  app.get('/orders/:id', async () => ({ ok: true }));
  await listen(app);
  t.after(() => app.close());
  return { app, logs };
}

/** Sends one raw request and reads until the server closes or the response is complete. */
async function exchange(app: FastifyInstance, request: string): Promise<{ head: string; body: string }> {
  const socket = connect(portOf(app), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  socket.end(request); // half-close: the server still answers, then closes its side
  await once(socket, 'close');
  const [head = '', body = ''] = received.split('\r\n\r\n', 2);
  return { head, body };
}

test('an HTTP/1.1 request without Host is a 400 invalid_request problem with a request id', async (t) => {
  const { app, logs } = await start(t);
  const { head, body } = await exchange(app, 'GET /orders/1 HTTP/1.1\r\nX-Request-Id: no-host-1\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(head, /\r\ncontent-type: application\/problem\+json; charset=utf-8\r\n/i);
  assert.match(head, /\r\nx-request-id: no-host-1\r\n/i);
  const problem = JSON.parse(body) as Record<string, unknown>; // the content type says it is JSON
  assert.equal(problem.code, 'invalid_request');
  assert.equal(problem.status, 400);
  assert.equal(problem.request_id, 'no-host-1');
  assert.deepEqual(problem.issues, [{ path: 'headers.host', message: 'is required in HTTP/1.1' }]);
  await waitFor(() => logs.accessLines().length === 1, 'the access-log line');
  assert.equal(logs.accessLines()[0]?.status, 400);
});

test('an HTTP/1.0 request may omit Host, and an HTTP/1.1 one may send it empty', async (t) => {
  const { app } = await start(t);
  const old = await exchange(app, 'GET /orders/1 HTTP/1.0\r\n\r\n');
  assert.match(old.head, /^HTTP\/1\.1 200 OK\r\n/); // Node answers in its own version
  const empty = await exchange(app, 'GET /orders/1 HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n');
  assert.match(empty.head, /^HTTP\/1\.1 200 OK\r\n/);
});
