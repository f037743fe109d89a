// Job runs as spans (issue 10 §1), through a real OTLP/HTTP receiver: a job enqueued under a
// request's span runs as `job <queue>`, that span's child, with the statements the handler runs
// inside it; a job enqueued outside any trace runs in a trace of its own, marked failed when its
// handler throws; neither the payload nor the error message leaves the process.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { traceDatabase } from '@keelson/kit/db';
import { createJobQueue } from '@keelson/kit/jobs';
import { createTracing, SpanKind, traceparentOf } from '@keelson/kit/telemetry';
import { drain, testWorker } from '../jobs/job-support.ts';
import { backends } from '../support/databases.ts';
import { type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.ts';

const secret = 'pm_card_4242424242424242';

for (const backend of backends().filter((b) => b.name === 'pglite')) {
  describe(`job traces on ${backend.name}`, () => {
    it('a job run is a span of the trace that enqueued it; an untraced one starts its own', async () => {
      const receiver = await startOtlpReceiver();
      after(() => receiver.close());
      const tracing = await createTracing({
        serviceName: 'job-traces-test',
        serviceVersion: '0',
        endpoint: receiver.url,
        exportDelayMs: 50,
      });
      const { db: raw } = await backend.open();
      const db = traceDatabase(raw, tracing);
      const queue = createJobQueue({ db });
      const request = tracing.startSpan('POST /test', { kind: SpanKind.SERVER, parent: undefined });
      const traceparent = traceparentOf(request);
      const traced = await queue.enqueue(
        { deadline: Date.now() + 5_000, traceparent },
        { queue: 'traced.work', payload: { card: secret } },
      );
      request.end();
      await queue.enqueue({ deadline: Date.now() + 5_000 }, { queue: 'traced.fails', payload: {}, maxAttempts: 1 });
      const worker = testWorker(db, {
        tracing,
        queues: {
          'traced.work': {
            handler: async (job) => {
              const scope = { deadline: job.deadline, ...(job.traceparent ? { traceparent: job.traceparent } : {}) };
              await db.query(scope, 'SELECT id FROM jobs WHERE id = $1', [job.id]);
            },
          },
          'traced.fails': {
            handler: async () => {
              throw new Error(`declined ${secret}`);
            },
          },
        },
      });
      await drain([worker]);
      await tracing.shutdown();

      const named = (name: string): ReceivedSpan =>
        receiver.spans.find((span) => span.name === name) ??
        assert.fail(`no span ${name} in ${receiver.spans.map((s) => s.name)}`);
      const { traceId, spanId } = request.spanContext();
      const run = named('job traced.work');
      assert.equal(run.kind, 5, 'CONSUMER');
      assert.equal(run.traceId, traceId, 'the run continues the enqueuing trace');
      assert.equal(run.parentSpanId, spanId);
      assert.ok(
        run.attributes?.some((a) => a.key === 'messaging.message.id' && a.value.stringValue === traced.id),
        'the run names its job',
      );
      const select = named('SELECT jobs');
      assert.equal(select.parentSpanId, run.spanId, 'the handler’s statements are inside the run');
      const insert = receiver.spans.find((span) => span.name === 'INSERT jobs' && span.traceId === traceId);
      assert.ok(insert, 'the enqueue is a statement of the request');

      const failed = named('job traced.fails');
      assert.notEqual(failed.traceId, traceId, 'no enqueuing trace: a trace of its own');
      assert.equal(failed.parentSpanId ?? '', '', 'a root span');
      assert.equal(failed.status?.code, 2, 'ERROR');
      assert.ok(!receiver.bodies.join('\n').includes(secret), 'neither payload nor error text is exported');
    });
  });
}
