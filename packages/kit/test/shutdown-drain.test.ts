import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { createHealthChecks } from '../src/health/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import { type Closer, createShutdown } from '../src/lifecycle/index.ts';
import { captureLogs, deferred, listen, portOf, waitFor } from './http-test-support.ts';

/** Resolves to 'connected' or the connection error's code. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function recordingClosers(names: readonly string[], onClose: (name: string) => void): Closer[] {
  return names.map((name) => ({ name, close: async () => onClose(name) }));
}

test('20 in-flight requests finish with 200, new connections are refused, closers run in reverse', async (t) => {
  const logs = captureLogs();
  const api = createHttpServer({ logger: logs.logger });
  const inFlight = 20;
  const allStarted = deferred();
  const release = deferred();
  let started = 0;
  let finished = 0;
  api.get('/slow', async () => {
    started += 1;
    if (started === inFlight) allStarted.resolve();
    await release.promise;
    finished += 1;
    return { ok: true };
  });
  const base = await listen(api);
  const port = portOf(api);
  t.after(() => api.close());

  const health = createHealthChecks();
  const closed: { name: string; finishedAtClose: number }[] = [];
  const shutdown = createShutdown({
    logger: logs.logger,
    drainTimeoutMs: 5_000,
    servers: [api],
    closers: recordingClosers(['database', 'broker', 'cache'], (name) =>
      closed.push({ name, finishedAtClose: finished }),
    ),
    health,
  });

  // fetch keeps connections alive: draining must still close them after their response.
  const responses = Array.from({ length: inFlight }, () => fetch(`${base}/slow`));
  await allStarted.promise;

  const done = shutdown.shutdown('test');
  assert.equal(health.draining, true, 'readiness flips first');
  await waitFor(() => !api.server.listening, 'the listener to close');
  assert.equal(await tryConnect(port), 'ECONNREFUSED');
  assert.equal(closed.length, 0, 'closers wait for the drain');

  release.resolve();
  const statuses = await Promise.all(responses.map(async (pending) => (await pending).status));
  assert.deepEqual(statuses, Array(inFlight).fill(200));

  const report = await done;
  assert.equal(report.drained, true, 'drained without cutting connections');
  assert.deepEqual(report.failedClosers, []);
  assert.deepEqual(
    closed.map((c) => c.name),
    ['cache', 'broker', 'database'],
  );
  assert.ok(closed.every((c) => c.finishedAtClose === inFlight));
  assert.ok(logs.lines().some((line) => line.msg === 'shutdown: complete'));
});

test('requests still running at drainTimeoutMs have their connections cut; closers still run', async (t) => {
  const logs = captureLogs();
  const api = createHttpServer({ logger: logs.logger });
  const started = deferred();
  const never = deferred();
  t.after(() => never.resolve());
  api.get('/stuck', async () => {
    started.resolve();
    await never.promise;
    return { ok: true };
  });
  const base = await listen(api);
  const closed: string[] = [];
  const shutdown = createShutdown({
    logger: logs.logger,
    drainTimeoutMs: 100,
    servers: [api],
    closers: recordingClosers(['database'], (name) => closed.push(name)),
    health: createHealthChecks(),
  });

  const stuck = fetch(`${base}/stuck`);
  // The cut may reach the client before the shutdown resolves: awaited below, never unhandled.
  stuck.catch(() => {});
  await started.promise;
  const report = await shutdown.shutdown('test');

  assert.equal(report.drained, false);
  await assert.rejects(stuck, 'the client sees its connection cut');
  assert.deepEqual(closed, ['database']);
  assert.ok(logs.lines().some((line) => line.level === 'warn' && /drain timed out/.test(String(line.msg))));
});

test('a request that arrives while the server closes gets a 503 shutting_down problem', async (t) => {
  const api = createHttpServer({ logger: captureLogs().logger });
  api.get('/orders', async () => ({ ok: true }));
  // Holds close() between "closing" and "listener closed", where a request can still arrive.
  const closingReached = deferred();
  const letClose = deferred();
  api.addHook('preClose', async () => {
    closingReached.resolve();
    await letClose.promise;
  });
  const base = await listen(api);
  t.after(() => letClose.resolve());

  const closing = api.close();
  await closingReached.promise;
  const response = await fetch(`${base}/orders`);
  assert.equal(response.status, 503);
  assert.equal(response.headers.get('connection'), 'close');
  assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  assert.equal(((await response.json()) as { code: string }).code, 'shutting_down'); // problem document
  letClose.resolve();
  await closing;
});

test('a request sent on an idle kept-alive socket after the drain began gets 503 shutting_down, not a reset', async () => {
  const api = createHttpServer({ logger: captureLogs().logger });
  api.get('/orders', async () => ({ ok: true }));
  const base = await listen(api);
  const agent = new Agent({ keepAlive: true, maxSockets: 5 });
  const get = (): Promise<{ status: number | undefined; connection: string | undefined; body: string }> =>
    new Promise((resolve, reject) => {
      const req = request(`${base}/orders`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        res.once('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
      });
      req.once('error', reject);
      req.end();
    });
  // Five kept-alive sockets, idle now: no request is in flight when the shutdown starts.
  const first = await Promise.all(Array.from({ length: 5 }, get));
  assert.ok(first.every((answer) => answer.status === 200 && answer.connection === 'keep-alive'));
  const shutdown = createShutdown({
    logger: captureLogs().logger,
    drainTimeoutMs: 5_000,
    idleGraceMs: 5_000,
    servers: [api],
    closers: [],
    health: createHealthChecks(),
  });
  const done = shutdown.shutdown('test');
  await waitFor(() => !api.server.listening, 'the listener to close');
  const second = await Promise.all(Array.from({ length: 5 }, get));
  for (const answer of second) {
    assert.equal(answer.status, 503);
    assert.equal(answer.connection, 'close');
    assert.equal(JSON.parse(answer.body).code, 'shutting_down');
  }
  // Every socket was told to close, so the drain ends before its grace does.
  const report = await done;
  assert.equal(report.drained, true);
  assert.ok(report.durationMs < 5_000, `took ${report.durationMs} ms`);
  agent.destroy();
});
