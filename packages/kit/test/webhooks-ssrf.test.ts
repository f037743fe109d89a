import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAddressGuard, guardedPost, parseAllowlist, type Resolve } from '../src/webhooks/index.ts';

/** A receiver on 127.0.0.1 counting the connections it accepted: a refusal must leave it at 0. */
function startReceiver(handler: (status: (code: number, headers?: Record<string, string>) => void) => void) {
  let connections = 0;
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on('end', () =>
      handler((code, headers = {}) => {
        response.writeHead(code, headers);
        response.end('receiver body');
      }),
    );
  });
  server.on('connection', () => {
    connections += 1;
  });
  return {
    server,
    counts: () => ({ connections, requests }),
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      ),
  };
}

describe('SSRF guard', () => {
  const receiver = startReceiver((reply) => reply(204));
  let port = 0;
  before(async () => {
    port = await receiver.listen();
  });
  after(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));

  const open = createAddressGuard({ allowHttp: true });
  const post = (url: string, guard = open, resolve?: Resolve) =>
    guardedPost(
      url,
      '{}',
      { 'content-type': 'application/json' },
      {
        guard,
        timeoutMs: 5_000,
        ...(resolve === undefined ? {} : { resolve }),
      },
    );

  it('refuses loopback in every spelling, without a connection', async () => {
    const spellings = [
      `http://127.0.0.1:${port}/`,
      `http://127.1:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[::1]:${port}/`,
      `http://localhost:${port}/`,
      `http://localhost.:${port}/`,
      `http://api.localhost:${port}/`,
    ];
    for (const url of spellings) {
      const outcome = await post(url);
      assert.equal(outcome.kind, 'refused', url);
    }
    assert.deepEqual(receiver.counts(), { connections: 0, requests: 0 });
  });

  it('refuses private, link-local, metadata, CGNAT, multicast, unspecified and unique-local addresses', () => {
    const guard = createAddressGuard();
    for (const address of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '0.0.0.0',
      '255.255.255.255',
      'fd00:ec2::254',
      'fe80::1',
      '::',
      'ff02::1',
      '::ffff:10.0.0.1',
      '64:ff9b::7f00:1',
    ]) {
      assert.ok(guard.checkAddress(address) !== undefined, address);
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) {
      assert.equal(guard.checkAddress(address), undefined, address);
    }
  });

  it('judges a name by what it resolves to, at the connection', async () => {
    const toPrivate: Resolve = async () => [{ address: '10.0.0.7', family: 4 }];
    const toLoopback: Resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const mixed: Resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    for (const resolve of [toPrivate, toLoopback, mixed]) {
      const outcome = await post(`http://hooks.example.test:${port}/`, open, resolve);
      assert.equal(outcome.kind, 'refused');
      assert.match(outcome.kind === 'refused' ? outcome.reason : '', /hooks\.example\.test/);
    }
    assert.deepEqual(receiver.counts(), { connections: 0, requests: 0 });
  });

  it('allows https only unless http is allowed, and refuses credentials in the URL', () => {
    const strict = createAddressGuard();
    assert.match(strict.checkUrl('http://example.com/') ?? '', /scheme http:/);
    assert.equal(strict.checkUrl('https://example.com/'), undefined);
    assert.match(strict.checkUrl('ftp://example.com/') ?? '', /scheme/);
    assert.match(strict.checkUrl('https://user:pw@example.com/') ?? '', /credentials/);
    assert.equal(strict.checkUrl('not a url'), 'not a URL');
  });

  it('admits exactly what the allow-list lists: 127.0.0.1 and not 127.0.0.2', async () => {
    const guard = createAddressGuard({ allowHttp: true, allowlist: ['127.0.0.1'] });
    assert.equal(guard.checkAddress('127.0.0.1'), undefined);
    assert.equal(guard.checkAddress('::ffff:127.0.0.1'), undefined);
    assert.ok(guard.checkAddress('127.0.0.2') !== undefined);
    const cidr = createAddressGuard({ allowlist: ['10.0.0.0/8', '::1'] });
    assert.equal(cidr.checkAddress('10.200.0.1'), undefined);
    assert.equal(cidr.checkAddress('::1'), undefined);
    assert.ok(cidr.checkAddress('11.0.0.1') === undefined, 'public stays allowed');
    assert.ok(cidr.checkAddress('192.168.0.1') !== undefined);
    const refused = await post(`http://127.0.0.2:${port}/`, guard);
    assert.equal(refused.kind, 'refused');
    const delivered = await post(`http://127.0.0.1:${port}/`, guard);
    assert.deepEqual(delivered.kind === 'response' ? delivered.status : delivered, 204);
    // The allow-listed address is admitted through a name too.
    const named = await post(`http://receiver.test:${port}/`, guard, async () => [{ address: '127.0.0.1', family: 4 }]);
    assert.deepEqual(named.kind === 'response' ? named.status : named, 204);
    assert.throws(() => parseAllowlist(['127.0.0.1', 'nonsense']), /nonsense/);
  });

  it('does not follow a redirect to loopback: a 3xx is just a failed status', async () => {
    const redirecting = startReceiver((reply) => reply(302, { location: 'http://127.0.0.2:1/' }));
    const redirectPort = await redirecting.listen();
    try {
      const guard = createAddressGuard({ allowHttp: true, allowlist: ['127.0.0.1'] });
      const outcome = await post(`http://127.0.0.1:${redirectPort}/`, guard);
      assert.deepEqual(outcome.kind === 'response' ? outcome.status : outcome, 302);
      assert.equal(redirecting.counts().requests, 1);
    } finally {
      await new Promise<void>((resolve) => redirecting.server.close(() => resolve()));
    }
  });

  it('reports a receiver that does not answer in time as failed, and one that is down', async () => {
    const silent = startReceiver(() => {});
    const silentPort = await silent.listen();
    const guard = createAddressGuard({ allowHttp: true, allowlist: ['127.0.0.1'] });
    try {
      const outcome = await guardedPost(`http://127.0.0.1:${silentPort}/`, '{}', {}, { guard, timeoutMs: 200 });
      assert.equal(outcome.kind, 'failed');
      assert.match(outcome.kind === 'failed' ? outcome.error : '', /no response within 200 ms/);
    } finally {
      silent.server.closeAllConnections();
      await new Promise<void>((resolve) => silent.server.close(() => resolve()));
    }
    const down = await guardedPost(`http://127.0.0.1:${silentPort}/`, '{}', {}, { guard, timeoutMs: 2_000 });
    assert.equal(down.kind, 'failed');
  });
});
