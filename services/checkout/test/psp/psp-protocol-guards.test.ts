import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@keelson/kit/errors';
import {
  assertUnavailable,
  charge,
  clientFor,
  rawServer,
  rejectionOf,
  rejectionReason,
  waitFor,
  within,
} from './support.ts';

describe('psp client: protocol guards', () => {
  it('an answer over 1 MiB is a transient failure: the read stops at the cap, retried, then 503', async (t) => {
    let requests = 0;
    let abandoned = 0;
    const { url } = await rawServer(t, (request, response) => {
      requests += 1;
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.on('close', () => {
        if (!response.writableFinished) abandoned += 1;
      });
      // An answer without end: only a reader that gives up lets this test finish.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk)) {}
        if (!response.destroyed) response.once('drain', pump);
      };
      response.write('{"id":"pi_big","padding":"');
      pump();
    });
    const psp = clientFor(url);
    const error = await rejectionOf(psp.charge(within(5_000), charge()));
    assertUnavailable(error);
    assert.equal(rejectionReason(error), 'attempts_exhausted');
    assert.match(String((error.cause as Error).cause), /exceeds 1048576 bytes/);
    assert.equal(requests, 3);
    await waitFor(
      async () => abandoned,
      (n) => n === 3,
      'the server to see every read abandoned',
    );
  });

  it('a declared Content-Length over 1 MiB is refused before reading', async (t) => {
    const { url } = await rawServer(t, (request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) });
      response.write('{');
    });
    const error = await rejectionOf(clientFor(url).charge(within(5_000), charge()));
    assertUnavailable(error);
    assert.match(String((error.cause as Error).cause), /exceeds 1048576 bytes/);
  });

  it('a redirect is never followed: internal_error, not retried, the target never asked', async (t) => {
    const paths: string[] = [];
    const { url } = await rawServer(t, (request, response) => {
      paths.push(`${request.method} ${request.url}`);
      request.resume();
      response.writeHead(307, { location: '/elsewhere/v1/payment_intents' }).end();
    });
    const error = await rejectionOf(clientFor(url).charge(within(5_000), charge()));
    assert.ok(isAppError(error), String(error));
    assert.equal(error.code, 'internal_error');
    assert.match(String((error.cause as Error).message), /redirected \(307\)/);
    assert.deepEqual(paths, ['POST /v1/payment_intents']);
  });
});
