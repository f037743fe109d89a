import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createHealthChecks } from '../src/health/index.ts';
import { createHttpServer } from '../src/http/index.ts';
import { createAdminServer } from '../src/lifecycle/index.ts';
import { createMetrics, createOutcomeCounter, registerWorkerPool, sampledTraceId } from '../src/metrics/index.ts';
import { createTracing } from '../src/telemetry/index.ts';
import { captureLogs, listen, waitFor } from './http-test-support.ts';

const openMetrics = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** An OTLP endpoint that accepts and drops spans, so tracing is on and exports go nowhere. */
async function sinkEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('a sampled traced request leaves its trace id as an exemplar, served in OpenMetrics only', async (t) => {
  const sink = await sinkEndpoint();
  const tracing = await createTracing({ serviceName: 'test', serviceVersion: '0', endpoint: sink.url });
  // One hook, in reverse order of opening: the tracer flushes to the sink before it closes.
  const servers: { close(): Promise<unknown> }[] = [];
  t.after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await tracing.shutdown();
    await sink.close();
  });
  const logs = captureLogs();
  const metrics = createMetrics({ exemplars: tracing.enabled });
  const count = createOutcomeCounter(metrics, 'widgets_total', 'Widgets.', ['made'] as const);
  const api = createHttpServer({ logger: logs.logger, metrics, tracing });
  api.get('/orders/:id', async () => ({ ok: true }));
  const admin = createAdminServer({ logger: logs.logger, metrics, health: createHealthChecks() });
  const apiBase = await listen(api);
  const adminBase = await listen(admin);
  servers.push(api, admin);
  count('made');

  const traceId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const unsampled = 'f'.repeat(32);
  await (
    await fetch(`${apiBase}/orders/ord_1`, { headers: { traceparent: `00-${traceId}-1111111111111111-01` } })
  ).text();
  await (
    await fetch(`${apiBase}/orders/ord_2`, { headers: { traceparent: `00-${unsampled}-1111111111111111-00` } })
  ).text();
  await waitFor(() => logs.accessLines().length === 2, 'both requests recorded');

  const open = await fetch(`${adminBase}/metrics`, { headers: { accept: openMetrics } });
  assert.equal(open.headers.get('content-type'), 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  const body = await open.text();
  assert.match(
    body,
    new RegExp(
      `^http_request_duration_seconds_bucket\\{le="[^"]+",method="GET",route="/orders/:id",status="200"\\} \\d+ # \\{trace_id="${traceId}"\\} [0-9.e-]+ [0-9.]+$`,
      'm',
    ),
  );
  assert.ok(!body.includes(unsampled), 'an unsampled request leaves no exemplar');
  assert.match(body, /^# TYPE widgets counter$/m);
  assert.match(body, /^widgets_total\{outcome="made"\} 1$/m);
  assert.ok(body.endsWith('# EOF\n'));

  // The text format after an OpenMetrics scrape: counters keep `_total`, no exemplar syntax.
  const text = await (await fetch(`${adminBase}/metrics`)).text();
  assert.match(text, /^# TYPE widgets_total counter$/m);
  assert.match(text, /^widgets_total\{outcome="made"\} 1$/m);
  assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
  assert.ok(!text.includes('trace_id'), 'the text format carries no exemplars');
});

test('without exemplars the histogram keeps the plain observe', () => {
  const metrics = createMetrics();
  assert.equal(metrics.exemplars, false);
  metrics.httpRequestDuration.observe({ method: 'GET', route: '/x', status: '200' }, 0.01);
});

test('only a sampled traceparent gives a trace id', () => {
  const id = '0af7651916cd43dd8448eb211c80319c';
  assert.equal(sampledTraceId(`00-${id}-b7ad6b7169203331-01`), id);
  assert.equal(sampledTraceId(`00-${id}-b7ad6b7169203331-03`), id);
  assert.equal(sampledTraceId(`00-${id}-b7ad6b7169203331-00`), undefined);
  assert.equal(sampledTraceId(undefined), undefined);
});

test('event-loop utilisation and worker pools are read at scrape time', async () => {
  const metrics = createMetrics();
  let inUse = 1;
  registerWorkerPool(metrics, 'jobs', () => ({ inUse, capacity: 4 }));
  assert.throws(() => registerWorkerPool(metrics, 'jobs', () => ({ inUse, capacity: 4 })), /already registered/);
  const first = await metrics.registry.metrics();
  assert.match(first, /^worker_pool_in_use\{pool="jobs"\} 1$/m);
  assert.match(first, /^worker_pool_capacity\{pool="jobs"\} 4$/m);
  const utilisation = Number(/^nodejs_eventloop_utilization (\S+)$/m.exec(first)?.[1]);
  assert.ok(utilisation >= 0 && utilisation <= 1, `utilisation ${utilisation} in [0, 1]`);
  inUse = 3;
  assert.match(await metrics.registry.metrics(), /^worker_pool_in_use\{pool="jobs"\} 3$/m);
});
