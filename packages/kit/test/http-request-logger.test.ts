import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Logger } from 'pino';
import { createHttpServer } from '../src/http/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

test('a request that logs nothing makes no child logger; one that logs binds its request id', async (t) => {
  const logs = captureLogs();
  let children = 0;
  const child = logs.logger.child.bind(logs.logger);
  // Counts the children made from the server's logger (Fastify's per-request logger is one).
  logs.logger.child = ((...args: Parameters<typeof child>) => {
    children += 1;
    return child(...args);
  }) as typeof logs.logger.child;
  const app = createHttpServer({ logger: logs.logger });
  app.get('/quiet', async () => ({ ok: true }));
  app.get('/chatty', async (request) => {
    const log = request.log as Logger; // the chassis hands Fastify a pino logger
    assert.equal(log.isLevelEnabled('info'), true);
    assert.equal(log.isLevelEnabled('debug'), false);
    request.log.info({ step: 1 }, 'working');
    return { ok: true };
  });
  const base = await listen(app);
  t.after(() => app.close());
  const before = children;
  const quiet = await fetch(`${base}/quiet`, { headers: { 'x-request-id': 'quiet-1' } });
  assert.equal(quiet.status, 200);
  assert.equal(children, before, 'no child logger for a request that logs nothing but its access line');
  const chatty = await fetch(`${base}/chatty`, { headers: { 'x-request-id': 'chatty-1' } });
  assert.equal(chatty.status, 200);
  assert.equal(children, before + 1);
  const line = logs.lines().find((l) => l.msg === 'working');
  assert.equal(line?.request_id, 'chatty-1');
  assert.equal(line?.step, 1);
  assert.ok(logs.accessLines().some((l) => l.request_id === 'quiet-1'));
});
