// Metrics (issue 10 §2) on the whole service, with tracing on and every role's parts running:
// the OpenMetrics scrape carries the trace id of a traced request as an exemplar, the text scrape
// still passes `promtool check metrics`, the USE and lag families are there, and label
// cardinality is bounded by construction: traffic with ever new ids, paths, tenants and methods
// adds no series, and no label value is an id or a raw path.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { orderToPay } from '../api/payment-fixtures.ts';
import { backends } from '../support/databases.ts';
import { startOtlpReceiver } from '../support/otlp-receiver.ts';
import { promtoolSkip, runPromtool } from '../support/promtool.ts';
import { type TestService, useTestService } from '../support/service.ts';

const openMetrics = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

async function scrape(service: TestService, accept?: string): Promise<string> {
  const response = await fetch(`${service.adminUrl}/metrics`, accept === undefined ? {} : { headers: { accept } });
  assert.equal(response.status, 200);
  return response.text();
}

async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Series of the text format: `name{labels} value`, keyed by name, with their label values. */
function seriesOf(text: string): Map<string, string[][]> {
  const families = new Map<string, string[][]>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line) ?? assert.fail(`unparsed line: ${line}`);
    const [, name = '', labels = ''] = match;
    const values = [...labels.matchAll(/[a-zA-Z_][a-zA-Z0-9_]*="((?:[^"\\]|\\.)*)"/g)].map(([, value = '']) => value);
    families.set(name, [...(families.get(name) ?? []), values]);
  }
  return families;
}

const random = () => randomBytes(6).toString('hex');

const embedded = backends().filter((b) => b.name === 'pglite');

for (const backend of embedded) {
  describe(`metrics on ${backend.name}`, async () => {
    const receiver = await startOtlpReceiver();
    after(() => receiver.close());
    const service = useTestService(
      backend,
      { KEELSON_OTLP_ENDPOINT: receiver.url, KEELSON_FULFILLMENT_DELAY_MS: '10', KEELSON_SHED_ENABLED: 'true' },
      'all',
    );

    it('serves trace-id exemplars in OpenMetrics, and a text format promtool accepts', async () => {
      const { api } = await service().newTenant();
      const order = await orderToPay(api);
      const traceId = randomBytes(16).toString('hex');
      const read = await api.GET('/v1/orders/{id}', {
        params: { path: { id: order.id } },
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      assert.equal(read.response.status, 200);

      const open = await eventually(
        'the exemplar of the traced request',
        () => scrape(service(), openMetrics),
        (text) => text.includes(`trace_id="${traceId}"`),
      );
      assert.match(
        open,
        new RegExp(
          `^http_request_duration_seconds_bucket\\{le="[^"]+",method="GET",route="/v1/orders/:id",status="200"\\} \\d+ # \\{trace_id="${traceId}"\\} \\S+ \\S+$`,
          'm',
        ),
      );
      assert.ok(open.endsWith('# EOF\n'), 'an OpenMetrics exposition ends with # EOF');

      // The order's event reached the webhook dispatcher (it takes every type): its lag was observed.
      const text = await eventually(
        'the consumers’ lag',
        () => scrape(service()),
        (body) => /^event_consumer_lag_seconds_count\{consumer="webhooks"\} [1-9]/m.test(body),
      );
      for (const pool of ['events.fulfillment', 'events.webhooks', 'jobs', 'webhooks.delivery']) {
        assert.match(text, new RegExp(`^worker_pool_capacity\\{pool="${pool}"\\} [1-9]\\d*$`, 'm'));
        assert.match(text, new RegExp(`^worker_pool_in_use\\{pool="${pool}"\\} \\d+$`, 'm'));
      }
      for (const family of ['nodejs_eventloop_utilization', 'webhook_deliveries_due', 'outbox_lag_seconds']) {
        assert.match(text, new RegExp(`^${family} \\S+$`, 'm'));
      }
      // GC durations: the family is always there; its series once a collection ran.
      assert.match(text, /^# TYPE nodejs_gc_duration_seconds histogram$/m);
      assert.ok(!text.includes('trace_id'), 'the text format carries no exemplars');
      assert.match(text, /^# TYPE job_runs_total counter$/m, 'counters keep _total after an OpenMetrics scrape');

      if (promtoolSkip === false) {
        const { code, output } = await runPromtool(['check', 'metrics'], { stdin: text });
        assert.equal(code, 0, `promtool check metrics:\n${output}`);
      }
    });

    it('bounds label cardinality by construction: new ids, paths, tenants and methods add no series', async () => {
      const planted: string[] = [];
      const round = async (): Promise<void> => {
        const tenants = await Promise.all([service().newTenant(), service().newTenant()]);
        for (const { api, tenantId } of tenants) {
          planted.push(tenantId);
          const order = await orderToPay(api);
          planted.push(order.id);
          await api.GET('/v1/orders/{id}', { params: { path: { id: order.id } } });
          for (let i = 0; i < 5; i++) {
            const id = `ord_${random()}`;
            const product = `prod_${random()}`;
            const segment = `seg${random()}`;
            planted.push(id, product, segment);
            await api.GET('/v1/orders/{id}', { params: { path: { id } } });
            await api.GET('/v1/products/{id}', { params: { path: { id: product } } });
            await fetch(`${service().apiUrl}/${segment}/${random()}?q=${segment}`);
            await fetch(`${service().apiUrl}/v1/orders/${id}/${segment}`, { method: 'DELETE' });
          }
        }
        for (const method of ['PROPFIND', 'PURGE', 'OPTIONS', 'PATCH']) {
          await (await fetch(`${service().apiUrl}/v1/products`, { method })).arrayBuffer();
        }
        // Without credentials, with a made-up key: rejected the same way whatever the key.
        await service().client(`Bearer key_${random()}.${random()}`).GET('/v1/orders', {});
      };

      await round();
      const first = seriesOf(await scrape(service()));
      await round();
      const second = seriesOf(await scrape(service()));

      // Families whose series depend on the process, not on the traffic.
      const processOwned = /^(nodejs_active_|nodejs_heap_space|nodejs_gc_|process_)/;
      // A label fed from the traffic would add a series per planted value (ten per round and
      // kind); background work (a job or delivery finishing between scrapes) may add a few.
      const slack = 3;
      for (const [family, series] of second) {
        if (processOwned.test(family)) continue;
        const before = first.get(family)?.length ?? 0;
        assert.ok(series.length <= before + slack, `${family}: ${before} series, then ${series.length}`);
        assert.ok(series.length <= 200, `${family} has ${series.length} series`);
      }
      const ulid = /[0-9A-HJKMNP-TV-Z]{26}/;
      // Keelson's ids are a prefix and a ULID (`ord_01J…`); request and trace ids are long hex.
      const prefixedId = /^[a-z]+_[0-9A-Z]{10,}/;
      const hexId = /[0-9a-f]{16,}/;
      for (const [family, series] of second) {
        for (const value of series.flat()) {
          assert.ok(
            !ulid.test(value) && !prefixedId.test(value) && !hexId.test(value),
            `${family} has an id-like label value ${value}`,
          );
          assert.ok(!planted.some((p) => value.includes(p)), `${family} has a label value from the traffic: ${value}`);
          if (value.startsWith('/')) {
            assert.ok(
              value.split('/').every((part) => part === '' || /^(v\d|[a-z_.]+|:[a-z_]+|\*)$/.test(part)),
              `${family} has a route label that is not a pattern: ${value}`,
            );
          }
        }
      }
    });
  });
}
