import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHealthChecks } from '../src/health/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import { createAdminServer } from '../src/lifecycle/index.ts';
import { createMetrics, registerPoolGauges } from '../src/metrics/index.ts';
import { captureLogs, listen, waitFor } from './http-test-support.ts';

test('the admin server exposes the histogram by route pattern, with bounded labels', async (t) => {
  const logs = captureLogs();
  const metrics = createMetrics({ prefix: 'checkout_' });
  const api = createHttpServer({ logger: logs.logger, metrics });
  api.get('/orders/:id', async () => ({ ok: true }));
  api.get('/in-flight', async () => (await metrics.httpRequestsInFlight.get()).values[0]?.value);
  const admin = createAdminServer({ logger: logs.logger, metrics, health: createHealthChecks() });
  const apiBase = await listen(api);
  const adminBase = await listen(admin);
  t.after(() => Promise.all([api.close(), admin.close()]));

  for (const path of ['/orders/ord_1', '/orders/ord_2', '/no/such/route', '/in-flight']) {
    await (await fetch(`${apiBase}${path}`)).arrayBuffer();
  }
  // Metrics and the access log are both recorded on the response's close; metrics first.
  await waitFor(() => logs.accessLines().length === 4, 'four access-log lines');

  const response = await fetch(`${adminBase}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  const text = await response.text();
  assert.match(
    text,
    /^checkout_http_request_duration_seconds_count\{method="GET",route="\/orders\/:id",status="200"\} 2$/m,
  );
  assert.match(
    text,
    /^checkout_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m,
  );
  assert.match(
    text,
    /^checkout_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/orders\/:id",status="200"\} \d+$/m,
  );
  assert.doesNotMatch(text, /ord_1|no\/such|route="\/metrics"/);
  assert.match(text, /^checkout_http_requests_in_flight 0$/m);
  assert.match(text, /^checkout_nodejs_eventloop_lag_p99_seconds /m);
  assert.match(text, /^checkout_process_cpu_user_seconds_total /m);
  assert.equal(await (await fetch(`${apiBase}/in-flight`)).text(), '1', 'the request itself is in flight');
});

test('pool gauges are read at scrape time, one series per pool', async () => {
  const metrics = createMetrics();
  let primary = { total: 10, idle: 7, waiting: 0 };
  registerPoolGauges(metrics, 'primary', () => primary);
  registerPoolGauges(metrics, 'replica', () => ({ total: 4, idle: 4, waiting: 0 }));
  assert.throws(() => registerPoolGauges(metrics, 'primary', () => primary), /already registered/);

  const first = await metrics.registry.metrics();
  assert.match(first, /^db_pool_connections\{pool="primary"\} 10$/m);
  assert.match(first, /^db_pool_idle_connections\{pool="primary"\} 7$/m);
  assert.match(first, /^db_pool_connections\{pool="replica"\} 4$/m);
  primary = { total: 10, idle: 0, waiting: 3 };
  const second = await metrics.registry.metrics();
  assert.match(second, /^db_pool_idle_connections\{pool="primary"\} 0$/m);
  assert.match(second, /^db_pool_waiting_requests\{pool="primary"\} 3$/m);
});

test('two metrics objects are independent registries', async () => {
  const a = createMetrics();
  const b = createMetrics();
  a.httpRequestDuration.observe({ method: 'GET', route: '/a', status: '200' }, 0.01);
  assert.match(await a.registry.metrics(), /route="\/a"/);
  assert.doesNotMatch(await b.registry.metrics(), /route="\/a"/);
});

test('only counters end in _total, as promtool check metrics requires', async () => {
  const metrics = createMetrics({ prefix: 'checkout_' });
  const text = await metrics.registry.metrics();
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type }));
  assert.ok(types.length > 10, 'the default metrics are there');
  assert.ok(
    types.some((t) => t.name === 'checkout_nodejs_active_handles'),
    'the per-type gauge stays',
  );
  assert.deepEqual(
    types.filter((t) => t.name?.endsWith('_total') && t.type !== 'counter'),
    [],
  );
});
