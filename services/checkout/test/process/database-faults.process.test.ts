import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startTcpProxy, type TcpProxy } from '../../../../packages/kit/test/support/tcp-proxy.ts';
import { type OwnedTestDatabase, serverBackend } from '../support/databases.ts';
import {
  fetchStatus,
  pollUntil,
  runCli,
  type ServiceProcess,
  serviceEnv,
  singleJsonObject,
  startServiceProcess,
  tempDir,
} from '../support/service-process.ts';

// The real `keelson serve` on PostgreSQL through a TCP proxy this file owns, under load, while
// the database fails: backends terminated mid-request, the proxy killed, the network stalled.
// The process must stay up, answer 503 database_unavailable or 504 deadline_exceeded (at the
// deadline), and serve again once the database is back.

const backend = serverBackend();
const skip = backend === undefined ? 'needs real PostgreSQL (KEELSON_TEST_DATABASE_URL)' : false;
const requestTimeoutMs = 1_000;
/** How late past the deadline an answer may come: timers and a loaded CI machine, not the network. */
const marginMs = 2_000;

interface Outcome {
  readonly status: number;
  readonly code: string | undefined;
  readonly id: string | undefined;
  readonly ms: number;
}

/** One API call; a failed connection (the process died) is an outcome with status 0, not a throw. */
async function call(url: string, token: string, init: RequestInit = {}): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      signal: AbortSignal.timeout(30_000),
    });
    // Every answer of the API is a JSON object: a resource or a problem document.
    const body = (await response.json()) as { code?: string; id?: string };
    return { status: response.status, code: body.code, id: body.id, ms: Date.now() - started };
  } catch (error) {
    const code = error instanceof Error ? String(error.cause ?? error.message) : String(error);
    return { status: 0, code, id: undefined, ms: Date.now() - started };
  }
}

describe('keelson serve survives database faults (real PostgreSQL through a proxy)', { skip }, () => {
  const dir = tempDir();
  let database: OwnedTestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let service: ServiceProcess | undefined;
  let admin: pg.Client | undefined;

  after(async () => {
    await service?.kill();
    await proxy?.close();
    await admin?.end();
    await database?.dispose();
    dir.remove();
  });

  it('terminated backends, a killed proxy and a stalled network', { timeout: 90_000 }, async () => {
    database = (await backend?.create()) ?? assert.fail('no backend');
    const url = database.url ?? assert.fail('no url');
    const target = new URL(url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const settings = await serviceEnv({ dataDir: dir.path, databaseUrl: proxy.proxied(url), logLevel: 'warn' });
    const env = { ...settings.env, KEELSON_REQUEST_TIMEOUT_MS: String(requestTimeoutMs) };
    service = await startServiceProcess({ ...settings, env });
    const running = service;
    const tenant = singleJsonObject(await runCli(['tenants', 'create', '--name', 'Faults', '--json'], env));
    const key = singleJsonObject(await runCli(['keys', 'create', '--tenant', String(tenant.id), '--json'], env));
    const token = String(key.token);
    const product = await call(`${running.apiUrl}/v1/products`, token, {
      method: 'POST',
      body: JSON.stringify({ sku: 'fault-1', name: 'Fault mug', unit_amount: 500, currency: 'EUR', stock: 1_000_000 }),
    });
    assert.equal(product.status, 201);
    const productId = product.id ?? assert.fail('no product id');
    const order = (): Promise<Outcome> =>
      call(`${running.apiUrl}/v1/orders`, token, {
        method: 'POST',
        body: JSON.stringify({ lines: [{ product_id: productId, quantity: 1 }] }),
      });

    // 1. Terminate busy backends (active or idle in a transaction: lent out) under load.
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const outcomes: Outcome[] = [];
    let loading = true;
    const workers = Array.from({ length: 16 }, async () => {
      while (loading) outcomes.push(await order());
    });
    let terminated = 0;
    for (let round = 0; round < 200 && terminated < 20; round++) {
      const { rows } = await admin.query<{ ok: boolean }>(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'keelson' AND state <> 'idle' AND pid <> pg_backend_pid()`,
        [target.pathname.slice(1)],
      );
      terminated += rows.filter((r) => r.ok).length;
    }
    loading = false;
    await Promise.all(workers);
    assert.equal(running.exit, undefined, `the process died:\n${running.describe()}`);
    assert.ok(terminated >= 20, `terminated only ${terminated} busy backends`);
    const unexpected = outcomes.filter(
      (o) => o.status !== 201 && !(o.status === 503 && o.code === 'database_unavailable'),
    );
    const errors = running.logLines().filter((l) => l.level === 'error');
    assert.deepEqual(
      unexpected,
      [],
      `only 201 or 503 database_unavailable while backends were terminated; errors logged:\n${JSON.stringify(errors.slice(0, 3), null, 1)}`,
    );
    assert.ok(
      outcomes.some((o) => o.code === 'database_unavailable'),
      'some requests saw the terminations',
    );
    assert.equal((await order()).status, 201, 'serves again at once');

    // 2. Kill the proxy: the database is gone; requests answer 503, then 201 once it is back.
    await proxy.down();
    const whileDown = await order();
    assert.deepEqual([whileDown.status, whileDown.code], [503, 'database_unavailable']);
    assert.equal(running.exit, undefined);
    await proxy.up();
    assert.equal((await order()).status, 201, 'serves again once the database is back');

    // 3. Stall the network: every request answers 504 at its deadline, readiness turns 503.
    proxy.stall();
    try {
      const stalled = await Promise.all(Array.from({ length: 12 }, order));
      for (const o of stalled) {
        assert.deepEqual([o.status, o.code], [504, 'deadline_exceeded']);
        assert.ok(o.ms < requestTimeoutMs + marginMs, `answered after ${o.ms} ms`);
      }
      console.log(
        `stalled network: ${stalled.length} requests answered 504 in ${Math.max(...stalled.map((o) => o.ms))} ms at most (deadline ${requestTimeoutMs} ms)`,
      );
      const readyStarted = Date.now();
      assert.equal(await fetchStatus(`${running.adminUrl}/readyz`), 503);
      assert.ok(Date.now() - readyStarted < 1_000 + marginMs, `readyz took ${Date.now() - readyStarted} ms`);
    } finally {
      proxy.resume();
    }
    await pollUntil(
      Date.now() + 10_000,
      running,
      async () => (await order()).status === 201,
      'serving after the stall',
    );
    assert.equal(running.exit, undefined);
  });
});
