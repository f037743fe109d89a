// JetStream publish+ack of 1 KiB messages (issue 8 §2): raw `js.publish` with a Nats-Msg-Id vs
// the same through the kit's adapter (`createJetStreamBus().publish`, the envelope as JSON, a
// traceparent header), from one process, against one throwaway stream, rounds interleaved and
// medians reported because the machine is noisy. Both keep the same number of messages in
// flight: raw as a window of single publishes, the adapter as batches (the outbox relay's way).
// Compare the ratio, never absolute figures across runs (STACK.md: ~21–23k msg/s raw here).
//
//   node bench/event-bus-publish.ts [--url nats://127.0.0.1:4222] [--messages N] [--rounds N]
//                                   [--in-flight N] [--batch N] [--json]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createJetStreamBus, type EventMessage } from '@keelson/kit/events';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.KEELSON_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222' },
    messages: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    'in-flight': { type: 'string', default: '1000' },
    batch: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const rounds = Number(values.rounds);
const inFlight = Number(values['in-flight']);
const batch = Number(values.batch);
for (const [flag, n] of [
  ['--messages', messages],
  ['--rounds', rounds],
  ['--in-flight', inFlight],
  ['--batch', batch],
] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
}
if (inFlight % batch !== 0) throw new Error('--in-flight must be a multiple of --batch');

const ns = `bench${randomBytes(4).toString('hex')}`;
const stream = ns.toUpperCase();
const body = randomBytes(768).toString('base64'); // 1 024 characters
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const nc = await connect({ servers: values.url });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
const bus = await createJetStreamBus({ url: values.url, stream, subjectPrefix: ns });

/** Keeps `limit` publishes in flight until `total` are acknowledged; msg/s. */
async function window(total: number, limit: number, once: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  async function lane(): Promise<void> {
    while (next < total) await once(next++);
  }
  await Promise.all(Array.from({ length: limit }, lane));
  return (total / (performance.now() - started)) * 1_000;
}

const payload = Buffer.from(body);
function raw(): Promise<number> {
  const round = randomBytes(4).toString('hex');
  return window(messages, inFlight, (index) => {
    const carried = headers();
    carried.set('traceparent', traceparent);
    return js.publish(`${ns}.raw`, payload, { msgID: `raw_${round}_${index}`, headers: carried });
  });
}

function event(id: string): EventMessage {
  return {
    id,
    type: 'order.paid',
    tenantId: 'ten_bench',
    aggregateType: 'order',
    aggregateId: 'ord_bench',
    aggregateVersion: 1,
    occurredAt: new Date().toISOString(),
    data: { blob: body.slice(0, 850) }, // with the envelope's fields, ~1 KiB of JSON
    headers: { traceparent },
  };
}

async function adapter(): Promise<number> {
  const round = randomBytes(4).toString('hex');
  const batches = Math.ceil(messages / batch);
  const rate = await window(batches, inFlight / batch, (index) =>
    bus.publish(
      Array.from({ length: batch }, (_, offset) => event(`evt_${round}_${index}_${offset}`)),
      AbortSignal.timeout(30_000),
    ),
  );
  return rate * batch;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const results = { raw: [] as number[], adapter: [] as number[] };
try {
  await raw(); // warm-up: connection, stream, JIT
  await adapter();
  for (let round = 0; round < rounds; round += 1) {
    results.raw.push(await raw());
    results.adapter.push(await adapter());
  }
} finally {
  await bus.close();
  await jsm.streams.delete(stream).catch(() => false);
  await nc.close();
}
const summary = {
  messages,
  rounds,
  inFlight,
  batch,
  rawMsgPerSec: Math.round(median(results.raw)),
  adapterMsgPerSec: Math.round(median(results.adapter)),
  ratio: Number((median(results.adapter) / median(results.raw)).toFixed(3)),
};
if (values.json) console.log(JSON.stringify(summary));
else {
  console.log(`raw js.publish+ack      ${summary.rawMsgPerSec} msg/s (median of ${rounds}; ${inFlight} in flight)`);
  console.log(`adapter publish+ack     ${summary.adapterMsgPerSec} msg/s (batches of ${batch})`);
  console.log(`adapter / raw           ${(summary.ratio * 100).toFixed(1)} %`);
}
