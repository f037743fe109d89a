import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../src/errors/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

test('an AppError with retryAfterMs is answered with Retry-After in whole seconds, rounded up', async (t) => {
  const app = createHttpServer({ logger: captureLogs().logger });
  app.get('/busy', async () => {
    throw new AppError('unavailable', 'payment_provider_unavailable', 'Try later.', { retryAfterMs: 1_500 });
  });
  app.get('/gone', async () => {
    throw new AppError('unavailable', 'database_unavailable', 'No database.');
  });
  const base = await listen(app);
  t.after(() => app.close());
  const busy = await fetch(`${base}/busy`);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '2');
  // Problem documents are JSON objects with a code.
  assert.equal(((await busy.json()) as { code: string }).code, 'payment_provider_unavailable');
  const gone = await fetch(`${base}/gone`);
  assert.equal(gone.headers.get('retry-after'), null, 'no Retry-After when nothing says when');
});
