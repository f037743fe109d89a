import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { createHttpServer } from '../src/http/index.ts';
import { captureLogs, listen, portOf } from './http-test-support.ts';

/**
 * Node checks header and request timeouts only every `connectionsCheckingInterval`
 * (30 s by default), so without the chassis lowering it a client trickling header
 * bytes would hold the socket for ~30 s, far beyond `headersTimeout`.
 */
test('a client sending headers byte by byte is cut off at ~headersTimeout with a 408 problem', async (t) => {
  const headersTimeoutMs = 500;
  const app = createHttpServer({
    logger: captureLogs().logger,
    headersTimeoutMs,
    requestTimeoutMs: 1_000,
    connectionsCheckingIntervalMs: 100,
  });
  app.get('/', async () => ({ ok: true }));
  await listen(app);
  t.after(() => app.close());

  const socket = connect(portOf(app), '127.0.0.1');
  await once(socket, 'connect');
  const startedAt = performance.now();
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
  // The slow client itself: one more header byte every 50 ms, never finishing.
  const trickle = setInterval(() => socket.write('a'), 50);
  const giveUp = setTimeout(() => socket.destroy(), 4 * headersTimeoutMs);
  t.after(() => {
    clearInterval(trickle);
    clearTimeout(giveUp);
    socket.destroy();
  });
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    received += chunk;
  });
  socket.on('error', () => {}); // writes racing the server's close may EPIPE; the close is what we test
  await once(socket, 'close');
  const elapsedMs = performance.now() - startedAt;

  assert.ok(elapsedMs >= headersTimeoutMs * 0.9, `cut off too early: ${elapsedMs} ms`);
  assert.ok(elapsedMs < 2 * headersTimeoutMs, `cut off after ${elapsedMs} ms, expected < ${2 * headersTimeoutMs}`);
  assert.match(received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  assert.match(received, /content-type: application\/problem\+json/i);
  assert.match(received, /"code":"request_timeout"/);
});

test('headersTimeoutMs above requestTimeoutMs is refused at construction', () => {
  assert.throws(
    () => createHttpServer({ logger: captureLogs().logger, headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 }),
    RangeError,
  );
});
