import assert from 'node:assert/strict';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import { after, describe, it } from 'node:test';
import createClient from 'openapi-fetch';
import type { paths } from '../generated/checkout-api.ts';
import { type OwnedTestDatabase, serverBackend } from '../support/databases.ts';
import {
  fetchStatus,
  isRecord,
  type LogLine,
  pollUntil,
  runCli,
  type ServiceProcess,
  serviceEnv,
  singleJsonObject,
  startServiceProcess,
  tempDir,
} from '../support/service-process.ts';

// Graceful shutdown of the real `keelson serve` process: SIGTERM while 20 order requests are
// mid-body. Nothing here is timed: every step waits for an observable state (a gauge, a probe,
// a refused connection, an exit), each with a deadline.

const inFlight = 20;
const backend = serverBackend();
const where = backend === undefined ? 'embedded PGlite' : 'real PostgreSQL';

interface Answer {
  readonly status: number | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface HeldRequest {
  /** Writes the rest of the body; the server can then answer. */
  finish(): void;
  readonly answer: Promise<Answer>;
  abort(): void;
}

/** A POST whose headers and first half of the body are on the wire; the rest waits for `finish`. */
function holdRequest(url: URL, agent: Agent, headers: Record<string, string>, body: string): HeldRequest {
  const payload = Buffer.from(body);
  const half = Math.floor(payload.length / 2);
  const req = request(url, {
    method: 'POST',
    agent,
    headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length) },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.once('error', reject);
      res.once('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
    });
  });
  // Awaited by the test later; a failure before then must not count as unhandled.
  answer.catch(() => {});
  req.write(payload.subarray(0, half));
  return { finish: () => req.end(payload.subarray(half)), answer, abort: () => req.destroy() };
}

/** 'refused' once nothing listens on the port any more. */
function tryConnect(url: string): Promise<'connected' | 'refused' | 'other'> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'other'),
    );
  });
}

async function inFlightGauge(adminUrl: string): Promise<number | undefined> {
  const response = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(2_000) });
  const match = /^http_requests_in_flight (\d+)$/m.exec(await response.text());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function idOf(body: string): string {
  const parsed: unknown = JSON.parse(body);
  assert.ok(isRecord(parsed) && typeof parsed.id === 'string', body);
  return parsed.id;
}

function indexOf(lines: readonly LogLine[], predicate: (line: LogLine) => boolean, what: string): number {
  const index = lines.findIndex(predicate);
  assert.notEqual(index, -1, `no log line ${what}`);
  return index;
}

describe(`keelson serve shuts down gracefully on SIGTERM (${where})`, () => {
  const dir = tempDir();
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const held: HeldRequest[] = [];
  let database: OwnedTestDatabase | undefined;
  let service: ServiceProcess | undefined;

  after(async () => {
    for (const h of held) h.abort();
    agent.destroy();
    await service?.kill();
    await database?.dispose();
    dir.remove();
  });

  it(`finishes ${inFlight} in-flight orders, refuses new work, then exits 0`, { timeout: 80_000 }, async () => {
    database = await backend?.create();
    const settings = await serviceEnv({ dataDir: dir.path, databaseUrl: database?.url });
    service = await startServiceProcess(settings);
    const running = service;

    // Tenant and key through the CLI: against PostgreSQL it opens the database itself,
    // against the embedded server it goes through the admin API.
    const tenant = singleJsonObject(await runCli(['tenants', 'create', '--name', 'Shutdown', '--json'], settings.env));
    const key = singleJsonObject(
      await runCli(['keys', 'create', '--tenant', String(tenant.id), '--scopes', 'read,write', '--json'], settings.env),
    );
    const token = String(key.token);
    const api = createClient<paths>({ baseUrl: running.apiUrl, headers: { authorization: `Bearer ${token}` } });
    const product = await api.POST('/v1/products', {
      body: { sku: 'drain-1', name: 'Drain mug', unit_amount: 900, currency: 'EUR', stock: 50 },
    });
    assert.equal(product.response.status, 201, JSON.stringify(product.error));
    const productId = product.data?.id ?? assert.fail('no product id');

    const body = JSON.stringify({ lines: [{ product_id: productId, quantity: 1 }] });
    // Requests get 5 s by default, counted from their headers; the test holds them longer on a slow machine.
    const headers = {
      authorization: `Bearer ${token}`,
      'x-request-deadline': new Date(Date.now() + 29_000).toISOString(),
    };
    for (let i = 0; i < inFlight; i++)
      held.push(holdRequest(new URL('/v1/orders', running.apiUrl), agent, headers, body));
    const deadline = Date.now() + 20_000;
    await pollUntil(
      deadline,
      running,
      async () => (await inFlightGauge(running.adminUrl)) === inFlight,
      `holding ${inFlight} requests in flight`,
    );

    running.signal('SIGTERM');
    await pollUntil(
      Date.now() + 10_000,
      running,
      async () => (await fetchStatus(`${running.adminUrl}/readyz`)) === 503,
      'reporting not ready (503 on the admin /readyz)',
    );
    await pollUntil(
      Date.now() + 10_000,
      running,
      async () => (await tryConnect(running.apiUrl)) === 'refused',
      'refusing new connections on the API port',
    );
    assert.equal(running.exit, undefined, 'the process must wait for its in-flight requests');

    for (const h of held) h.finish();
    const answers = await Promise.all(held.map((h) => h.answer));
    for (const answer of answers) {
      assert.equal(answer.status, 201, answer.body);
      // Drain behaviour: kept-alive sockets are told to close, so they don't hold up the exit.
      assert.equal(answer.headers.connection, 'close');
    }
    const orderIds = new Set(answers.map((a) => idOf(a.body)));
    assert.equal(orderIds.size, inFlight);

    const exit = await running.waitForExit(30_000);
    assert.deepEqual(exit, { code: 0, signal: null }, running.describe());

    const lines = running.logLines();
    const started = indexOf(lines, (l) => l.msg === 'shutdown: started, readiness off', 'starting the shutdown');
    assert.equal(lines[started]?.reason, 'SIGTERM');
    const orders = lines.filter((l) => l.msg === 'request completed' && l.route === '/v1/orders');
    assert.equal(orders.length, inFlight);
    assert.ok(
      orders.every((l) => l.status === 201 && lines.indexOf(l) > started),
      'the held orders completed after the shutdown began',
    );
    const closed = lines.filter((l) => l.msg === 'shutdown: closed').map((l) => l.closer);
    // Reverse start-up order; the embedded server's record in its data directory goes first.
    // On a PostgreSQL server without Redis, the key-revocation poll opens right after the database.
    const poller = backend === undefined ? [] : ['revocation-poller'];
    const inReverse = [
      'webhook-delivery',
      'admin',
      'jobs',
      'profiler',
      'event-flow',
      'psp-sim',
      ...poller,
      'database',
      'flags',
      // First opened, so spans of the shutdown itself are still exported.
      'tracing',
    ];
    const expected = backend === undefined ? ['embedded-state', ...inReverse] : inReverse;
    assert.deepEqual(closed, expected, 'closers in reverse start-up order');
    const complete = indexOf(lines, (l) => l.msg === 'shutdown: complete', 'completing the shutdown');
    assert.ok(complete > started && complete === lines.length - 1, 'shutdown: complete is the last line');
    assert.equal(lines[complete]?.drained, true);
    assert.deepEqual(lines[complete]?.failedClosers, []);
    assert.equal(running.stderr, '');

    if (database !== undefined) {
      const stock = await database.db.transaction({ deadline: Date.now() + 5_000 }, (tx) =>
        tx.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [productId]),
      );
      assert.equal(stock.rows[0]?.stock, 50 - inFlight, 'each held order reserved its unit exactly once');
    }
  });
});
