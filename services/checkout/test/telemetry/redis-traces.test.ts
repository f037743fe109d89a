// Redis calls as spans (issue 10 §1), through a real OTLP/HTTP receiver and real Redis: under a
// request's trace, the rate limiter's script, the product cache's shared tier and the
// invalidation broadcast (the path key revocations take too) are CLIENT spans of the request,
// named by command and configured prefix, never by a key or a value.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.ts';
import { useTestService } from '../support/service.ts';
import { waitFor } from '../support/webhook-receiver.ts';

const redisUrl = process.env.KEELSON_TEST_REDIS_URL || undefined;
const [backend] = backends().filter((b) => b.name === 'pglite');

describe('Redis spans over OTLP', {
  skip: redisUrl === undefined ? 'KEELSON_TEST_REDIS_URL is not set' : false,
}, async () => {
  if (redisUrl === undefined || backend === undefined) return;
  const receiver = await startOtlpReceiver();
  after(() => receiver.close());
  const prefix = `keelson-test-${randomBytes(6).toString('hex')}`;
  const service = useTestService(backend, {
    KEELSON_OTLP_ENDPOINT: receiver.url,
    KEELSON_REDIS_URL: redisUrl,
    KEELSON_REDIS_PREFIX: prefix,
  });

  it('the limiter, the shared cache tier and the invalidation broadcast are children of the request', async () => {
    const { api, token } = await service().newTenant();
    const sku = `sku-${randomBytes(4).toString('hex')}`;
    const created = await api.POST('/v1/products', {
      body: { sku, name: 'Mug', unit_amount: 1_250, currency: 'EUR', stock: 5 },
    });
    assert.ok(created.data, JSON.stringify(created.error));
    const id = created.data.id;
    const traced = (traceId: string) => ({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });

    const readTrace = randomBytes(16).toString('hex');
    const read = await api.GET('/v1/products/{id}', { params: { path: { id } }, headers: traced(readTrace) });
    assert.equal(read.response.status, 200);
    const patchTrace = randomBytes(16).toString('hex');
    const patched = await api.PATCH('/v1/products/{id}', {
      params: { path: { id } },
      body: { stock: 3, version: 1 },
      headers: traced(patchTrace),
    });
    assert.equal(patched.response.status, 200, JSON.stringify(patched.error));

    const inTrace = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
    const childOf = (traceId: string, route: string, name: string): ReceivedSpan => {
      const spans = inTrace(traceId);
      const server = spans.find((span) => span.name === route) ?? assert.fail(`no ${route}`);
      return (
        spans.find((span) => span.name === name && span.parentSpanId === server.spanId) ??
        assert.fail(`no ${name} under ${route}: ${spans.map((s) => s.name)}`)
      );
    };
    await waitFor('the PATCH trace’s broadcast span', () =>
      inTrace(patchTrace).some((span) => span.name === `PUBLISH ${prefix}:invalidations`),
    );
    const limiter = childOf(readTrace, 'GET /v1/products/:id', 'EVALSHA keelson:rl:');
    assert.equal(limiter.kind, 3, 'CLIENT');
    assert.ok(limiter.attributes?.some((a) => a.key === 'db.system.name' && a.value.stringValue === 'redis'));
    childOf(readTrace, 'GET /v1/products/:id', `MGET ${prefix}:products`);
    childOf(patchTrace, 'PATCH /v1/products/:id', `EVAL ${prefix}:products`);
    childOf(patchTrace, 'PATCH /v1/products/:id', `PUBLISH ${prefix}:invalidations`);

    const everything = receiver.bodies.join('\n');
    for (const secret of [token, `${id}`, sku]) {
      assert.ok(!everything.includes(secret), `no key, id or value in the spans (${secret.slice(0, 8)}…)`);
    }
  });
});
