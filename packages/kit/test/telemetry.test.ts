import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTracing, inClientSpan, SpanKind, traceparentOf } from '../src/telemetry/index.ts';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('telemetry seams', () => {
  // A collector that takes everything: the spans' export is not what these tests look at.
  const collector = createServer((request, response) => {
    request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  let endpoint = '';
  before(async () => {
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    // Listening on TCP: address() is an AddressInfo, not a pipe name.
    endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  });
  after(() => collector.close());

  it('off, or outside a trace, a client span is no span at all: the work’s own promise comes back', async () => {
    const off = await createTracing({ serviceName: 'test', serviceVersion: '0' });
    assert.equal(off.enabled, false);
    const work = Promise.resolve(42);
    assert.equal(
      inClientSpan(off, traceparent, 'GET x', {}, () => work),
      work,
    );
    off.addEvent(traceparent, 'nothing', {}); // a no-op, never an error
    const on = await createTracing({ serviceName: 'test', serviceVersion: '0', endpoint });
    assert.equal(
      inClientSpan(on, undefined, 'GET x', {}, () => work),
      work,
      'no caller trace: untraced',
    );
    await on.shutdown();
  });

  it('addEvent reaches the open span a traceparent names, and nothing once it ended', async () => {
    const tracing = await createTracing({ serviceName: 'test', serviceVersion: '0', endpoint });
    const span = tracing.startSpan('POST /x', { kind: SpanKind.SERVER, parent: undefined });
    // The SDK's span keeps its events readable; the API type does not show them.
    const events = () => (span as unknown as { events: { name: string }[] }).events.map((e) => e.name);
    tracing.addEvent(traceparentOf(span), 'feature_flag.evaluation', { 'feature_flag.key': 'k' });
    tracing.addEvent(traceparent, 'elsewhere', {});
    tracing.addEvent(undefined, 'nowhere', {});
    assert.deepEqual(events(), ['feature_flag.evaluation']);
    span.end();
    tracing.addEvent(traceparentOf(span), 'late', {});
    assert.deepEqual(events(), ['feature_flag.evaluation'], 'an ended span is no longer found');
    await tracing.shutdown();
  });

  it('below an unsampled span nothing is recorded: a child is its parent’s context, a sampled one is a new span', async () => {
    const tracing = await createTracing({ serviceName: 'test', serviceVersion: '0', endpoint });
    const unsampled = traceparent.replace(/-01$/, '-00');
    const below = tracing.startSpan('SELECT products', { kind: SpanKind.CLIENT, parent: unsampled });
    assert.equal(below.isRecording(), false);
    assert.equal(traceparentOf(below), unsampled, 'the trace id and the unsampled flag travel on unchanged');
    const sampled = tracing.startSpan('SELECT products', { kind: SpanKind.CLIENT, parent: traceparent });
    assert.equal(sampled.isRecording(), true);
    assert.equal(traceparentOf(sampled).slice(0, 36), traceparent.slice(0, 36), 'same trace');
    assert.notEqual(traceparentOf(sampled), traceparent, 'its own span id');
    sampled.end();
    await tracing.shutdown();
  });
});
