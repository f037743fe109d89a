import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../src/http/index.ts';
import { createMetrics, type Metrics } from '../src/metrics/index.ts';
import { type CapturedLogs, captureLogs, deferred, listen, portOf, waitFor } from './http-test-support.ts';

// The access log and the metrics record what the client got: the 408 that Node's request
// timeout answers for a body that arrives too slowly, and 499 only when the client went away
// without an answer.

interface Harness {
  readonly app: FastifyInstance;
  readonly logs: CapturedLogs;
  readonly metrics: Metrics;
  /** Resolves once the server has routed the request and starts reading its body. */
  readonly arrived: Promise<void>;
}

async function start(t: { after(fn: () => Promise<unknown>): void }): Promise<Harness> {
  const logs = captureLogs();
  const metrics = createMetrics();
  const app = createHttpServer({
    logger: logs.logger,
    metrics,
    headersTimeoutMs: 300,
    requestTimeoutMs: 500,
    connectionsCheckingIntervalMs: 50,
  });
  const arrived = deferred();
  app.addHook('preParsing', async () => arrived.resolve());
  app.post('/orders', async () => ({ created: true }));
  await listen(app);
  t.after(() => app.close());
  return { app, logs, metrics, arrived: arrived.promise };
}

/** Headers complete, and 10 of the 100 body bytes they announce: the rest never comes. */
async function slowBody(app: FastifyInstance): Promise<{ socket: Socket; received: () => string }> {
  const socket = connect(portOf(app), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {}); // the server may reset the half-sent request; the answer is what we test
  socket.write(
    'POST /orders HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: slow-1\r\n' +
      'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sku":"a"',
  );
  return { socket, received: () => received };
}

async function countOf(metrics: Metrics, status: string): Promise<number> {
  const { values } = await metrics.httpRequestDuration.get();
  return values
    .filter((v) => v.metricName?.endsWith('_count') && v.labels.status === status)
    .reduce((sum, v) => sum + v.value, 0);
}

test('a body too slow for requestTimeout answers 408, and the access log and metrics say 408', async (t) => {
  const { app, logs, metrics } = await start(t);
  const { socket, received } = await slowBody(app);
  t.after(() => socket.destroy());
  await once(socket, 'close');

  assert.match(received(), /^HTTP\/1\.1 408 Request Timeout\r\n/);
  assert.match(received(), /content-type: application\/problem\+json/i);
  assert.match(received(), /"code":"request_timeout"/);
  assert.match(received(), /x-request-id: slow-1\r\n/i, 'the answer carries the request id the log line has');
  await waitFor(() => logs.accessLines().length === 1, 'the access-log line');
  const line = logs.accessLines()[0] ?? {};
  assert.equal(line.status, 408);
  assert.equal(line.request_id, 'slow-1');
  assert.equal(line.route, '/orders');
  assert.equal(await countOf(metrics, '408'), 1);
  assert.equal(await countOf(metrics, '499'), 0);
  assert.equal((await metrics.httpRequestsInFlight.get()).values[0]?.value, 0);
  assert.deepEqual(
    logs.lines().filter((l) => l.level !== 'info'),
    [],
    'no "reply already sent" warning when the body parser gives up afterwards',
  );
});

test('a client that goes away in the middle of its body is recorded as 499', async (t) => {
  const { app, logs, metrics, arrived } = await start(t);
  const { socket, received } = await slowBody(app);
  await arrived;
  socket.destroy();

  await waitFor(() => logs.accessLines().length === 1, 'the access-log line');
  assert.equal(received(), '');
  assert.equal(logs.accessLines()[0]?.status, 499);
  assert.equal(await countOf(metrics, '499'), 1);
  assert.equal(await countOf(metrics, '408'), 0);
});
