import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type LogLine,
  runCli,
  type ServiceProcess,
  serviceEnv,
  startServiceProcess,
  tempDir,
} from '../support/service-process.ts';

// Logs (issue 10 §3) of `keelson serve` as it runs, at trace level so every line that exists is
// written: secrets planted through real API and admin calls (the admin token, an API key's
// secret, a made-up key, a webhook signing secret, a payment method, a card number) appear on no
// line of the service or of the CLI; every line of a traced request carries trace_id, span_id,
// request_id and, once authenticated, tenant; and a module's level changes at runtime through
// the admin API (and `keelson log-level`).

const adminToken = randomBytes(24).toString('hex');

async function call(
  url: string,
  method: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

async function eventually<T>(what: string, read: () => T, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('log hygiene of keelson serve', { timeout: 180_000 }, () => {
  const dir = tempDir('keelson-logs-');
  let service: ServiceProcess | undefined;
  const running = () => service ?? assert.fail('the service did not start');
  before(async () => {
    const settings = await serviceEnv({ dataDir: dir.path, logLevel: 'trace' });
    service = await startServiceProcess({
      ...settings,
      env: { ...settings.env, KEELSON_ADMIN_TOKEN: adminToken, KEELSON_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    });
  });
  after(async () => {
    await service?.kill();
    dir.remove();
  });

  it('writes no planted secret on any line, and every line of a traced request carries its ids', async () => {
    const { apiUrl, adminUrl } = running();
    const tenant = await call(`${adminUrl}/admin/tenants`, 'POST', adminToken, { name: 'logs' });
    assert.equal(tenant.status, 201);
    const key = await call(`${adminUrl}/admin/keys`, 'POST', adminToken, {
      tenant_id: tenant.body.id,
      scopes: ['read', 'write'],
    });
    const token = String(key.body.token);
    const keySecret = token.slice(token.indexOf('.') + 1);
    const madeUpSecret = randomBytes(18).toString('base64url');
    const wrongAdmin = randomBytes(24).toString('hex');
    const cardNumber = '4242424242424242';
    const traceId = randomBytes(16).toString('hex');
    const requestId = `req-${randomUUID()}`;
    const traced = { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, 'x-request-id': requestId };

    await call(`${adminUrl}/admin/tenants`, 'GET', wrongAdmin);
    await call(`${apiUrl}/v1/orders`, 'GET', `${String(key.body.id)}.${madeUpSecret}`);
    const endpoint = await call(`${apiUrl}/v1/webhook_endpoints`, 'POST', token, {
      url: 'https://hooks.example.com/logs',
      enabled_events: ['*'],
    });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    const rotated = await call(
      `${apiUrl}/v1/webhook_endpoints/${String(endpoint.body.id)}/rotate_secret`,
      'POST',
      token,
      {},
    );
    const webhookSecrets = [String(endpoint.body.secret), String(rotated.body.secret)];
    const product = await call(`${apiUrl}/v1/products`, 'POST', token, {
      sku: `sku-${randomUUID()}`,
      name: 'Mug',
      unit_amount: 1500,
      currency: 'USD',
      stock: 10,
    });
    const order = await call(`${apiUrl}/v1/orders`, 'POST', token, {
      lines: [{ product_id: product.body.id, quantity: 1 }],
    });
    const paid = await call(
      `${apiUrl}/v1/orders/${String(order.body.id)}/payments`,
      'POST',
      token,
      { payment_method: 'pm_card_visa' },
      { 'idempotency-key': randomUUID(), ...traced },
    );
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    // A card number where a payment method token goes: refused, and not echoed into a log.
    await call(
      `${apiUrl}/v1/orders/${String(order.body.id)}/payments`,
      'POST',
      token,
      { payment_method: cardNumber },
      { 'idempotency-key': randomUUID() },
    );

    const cli = await runCli(['keys', 'list', '--json'], running().env);
    assert.equal(cli.code, 0, cli.stderr);
    const config = await runCli(['config', 'print', '--json'], running().env);

    // The payment's access line is written last of its request; the consumers' after it.
    const lines = await eventually(
      'the payment’s access-log line',
      () => running().logLines(),
      (all) => all.some((line) => line.request_id === requestId && line.msg === 'request completed'),
    );
    const planted = { adminToken, wrongAdmin, keySecret, madeUpSecret, cardNumber, pm: 'pm_card_visa' };
    const outputs = {
      'service stdout': running().stdout,
      'service stderr': running().stderr,
      'cli stdout': cli.stdout,
      'cli stderr': cli.stderr,
      'config stdout': config.stdout,
      'config stderr': config.stderr,
    };
    for (const [where, text] of Object.entries(outputs)) {
      for (const [what, value] of Object.entries(planted)) {
        assert.ok(!text.includes(value), `${what} appears in the ${where}`);
      }
      for (const secret of webhookSecrets) assert.ok(!text.includes(secret), `a webhook secret appears in ${where}`);
    }
    assert.ok(lines.length > 20, `trace level writes plenty (${lines.length} lines)`);

    // The request's lines, and those of the work it caused (the relay, the consumers): each
    // names the trace, its own span, the request and the tenant.
    const ofTrace = running()
      .logLines()
      .filter((line: LogLine) => line.request_id === requestId || line.trace_id === traceId);
    const seen = JSON.stringify(ofTrace, null, 1);
    assert.ok(
      ofTrace.some((line) => line.event !== undefined),
      `a consumer logged under the trace: ${seen}`,
    );
    for (const line of ofTrace) {
      assert.equal(line.trace_id, traceId, `trace_id on ${JSON.stringify(line)}`);
      assert.match(String(line.span_id), /^[0-9a-f]{16}$/, `span_id on ${JSON.stringify(line)}`);
      assert.equal(line.request_id, requestId, `request_id on ${JSON.stringify(line)}`);
      assert.equal(line.tenant, tenant.body.id, `tenant on ${JSON.stringify(line)}`);
    }
    const ofRequest = ofTrace.filter((line) => line.event === undefined);
    const completed = ofRequest.find((line) => line.msg === 'request completed');
    assert.equal(completed?.tenant, tenant.body.id, 'the access line names the tenant');
    assert.equal(completed?.module, 'http');
  });

  it('changes a module’s level at runtime through the admin API and the CLI', async () => {
    const { adminUrl } = running();
    const listed = await call(`${adminUrl}/admin/log_levels`, 'GET', adminToken);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.object, 'log_levels');
    assert.deepEqual(Object.keys(listed.body.levels as object).sort(), [
      'admin',
      'cache',
      'db',
      'events',
      'flags',
      'http',
      'jobs',
      'limits',
      'payments',
      'service',
      'webhooks',
    ]);
    const lowered = await call(`${adminUrl}/admin/log_levels/admin`, 'PUT', adminToken, { level: 'warn' });
    assert.equal(lowered.status, 200, JSON.stringify(lowered.body));
    assert.equal((lowered.body.levels as Record<string, string>).admin, 'warn');
    assert.equal((lowered.body.levels as Record<string, string>).http, 'trace', 'other modules keep theirs');

    // The admin server's access lines are at debug: a probe now leaves none; after `info`, it does.
    const probe = async () => {
      const id = `probe-${randomUUID()}`;
      await fetch(`${adminUrl}/livez`, { headers: { 'x-request-id': id } });
      return id;
    };
    const quiet = await probe();
    const cli = await runCli(['log-level', 'admin', 'debug', '--json'], running().env);
    assert.equal(cli.code, 0, `${cli.stdout}\n${cli.stderr}`);
    assert.equal((JSON.parse(cli.stdout) as { levels: Record<string, string> }).levels.admin, 'debug');
    const loud = await probe();
    await eventually(
      'the probe’s access line at debug',
      () => running().logLines(),
      (all) => all.some((line) => line.request_id === loud),
    );
    assert.ok(
      !running()
        .logLines()
        .some((line) => line.request_id === quiet),
      'nothing logged at warn',
    );

    const unknown = await call(`${adminUrl}/admin/log_levels/nope`, 'PUT', adminToken, { level: 'debug' });
    assert.equal(unknown.status, 400);
    const badLevel = await call(`${adminUrl}/admin/log_levels/http`, 'PUT', adminToken, { level: 'loud' });
    assert.equal(badLevel.status, 400);
    const anonymous = await call(`${adminUrl}/admin/log_levels`, 'GET', 'not-the-token');
    assert.equal(anonymous.status, 401);
  });
});
