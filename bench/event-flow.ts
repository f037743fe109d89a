// The event flow's bench (issue 8 §7), in one process and one run, on a throwaway PostgreSQL
// database (the checkout migrations: the real outbox table, indexes and NOTIFY trigger) and a
// throwaway JetStream stream:
//  1. relay throughput: N unpublished outbox rows (~1 KiB each) drained by the kit's outbox relay
//     (claim → publish through createJetStreamBus → mark) against the same N messages published
//     raw with js.publish (Nats-Msg-Id, traceparent header) and awaited, the same number in
//     flight as one relay batch; interleaved rounds, medians, and the ratio;
//  2. commit → consumer latency: rows committed at a steady rate (default 1 000 events/s, 10 per
//     transaction every 10 ms, written through notifyingOutboxWrites as the service writes), relayed
//     (woken by its NOTIFY) to JetStream and received by a durable
//     pull consumer in this process; p50/p99/max of (handler entered − COMMIT returned).
// Compare ratios, not absolute figures across runs: the host is shared (STACK.md).
//
//   node bench/event-flow.ts [--rows N] [--rounds N] [--batch N] [--rate N] [--seconds S] [--json] [--out DIR]
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createMigrator, createPgDatabase, type Database } from '@keelson/kit/db';
import { createJetStreamBus, type EventMessage } from '@keelson/kit/events';
import { createOutboxRelay, notifyingOutboxWrites } from '@keelson/kit/outbox';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import pino from 'pino';
import { migrationsDir } from '../services/checkout/src/adapters/postgres/migrations-dir.ts';
import { createBenchDatabase } from './bench-database.ts';
import { installSignalHandlers, onCleanup, runCleanups } from './cleanup.ts';
import { describeMachine } from './machine.ts';
import { summarize } from './percentiles.ts';

const { values } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    'nats-url': { type: 'string', default: process.env.KEELSON_BENCH_NATS_URL ?? 'nats://127.0.0.1:4222' },
    rows: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    batch: { type: 'string', default: '100' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    // One JSON line on stdout and no files: how bench/event-benches.ts (npm run bench) runs it.
    json: { type: 'boolean', default: false },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
  },
});
const settings = {
  rows: Number(values.rows),
  rounds: Number(values.rounds),
  batch: Number(values.batch),
  rate: Number(values.rate),
  seconds: Number(values.seconds),
};
for (const [flag, n] of Object.entries(settings)) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer`);
}
if (settings.rate % 100 !== 0) throw new Error('--rate must be a multiple of 100 (one transaction every 10 ms)');

installSignalHandlers();
const logger = pino({ level: 'warn' });
const blob = randomBytes(640).toString('base64'); // with the envelope's fields, ~1 KiB of JSON
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const ns = `bench${randomBytes(4).toString('hex')}`;
const stream = ns.toUpperCase();

const database = await createBenchDatabase(values['database-url']);
const db: Database = createPgDatabase({ url: database.url, maxConnections: 10 });
onCleanup('close the database pool', () => db.close());
await createMigrator(db, migrationsDir).up();
const nc = await connect({ servers: values['nats-url'] });
onCleanup('close the raw NATS connection', () => nc.close());
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const bus = await createJetStreamBus({ url: values['nats-url'], stream, subjectPrefix: ns, logger });
onCleanup(`delete stream ${stream}`, () => jsm.streams.delete(stream).then(() => undefined));
onCleanup('close the bus', () => bus.close());
const scope = () => ({ deadline: Date.now() + 60_000 });

/** `count` unpublished rows, one aggregate each, written in bulk (not measured). */
async function seedRows(round: string, count: number): Promise<void> {
  await db.query(
    scope(),
    `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, headers)
     SELECT 'evt_' || $1 || '_' || lpad(i::text, 8, '0'), 'ten_bench', 'order.paid', 'order', 'ord_' || $1 || '_' || i, 1,
            now(), jsonb_build_object('blob', $2::text), jsonb_build_object('traceparent', $3::text)
     FROM generate_series(1, $4::int) AS i`,
    [round, blob, traceparent, count],
  );
}

async function unpublished(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    scope(),
    'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
  );
  return rows[0]?.n ?? 0;
}

/** Rows/s the relay drains `rows` freshly seeded rows at (published to JetStream and marked). */
async function relayRound(round: string): Promise<number> {
  await seedRows(round, settings.rows);
  const relay = createOutboxRelay({
    db,
    bus,
    logger,
    batchSize: settings.batch,
    pollIntervalMs: 1_000,
    leaseMs: 30_000,
  });
  const started = performance.now();
  await relay.start();
  while ((await unpublished()) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const elapsed = performance.now() - started;
  await relay.stop(5_000);
  return (settings.rows / elapsed) * 1_000;
}

interface EnvelopeRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly type: string;
  readonly aggregate_type: string;
  readonly aggregate_id: string;
  readonly aggregate_version: number;
  readonly occurred_at: Date;
  readonly data: unknown;
}

/** The messages of relay round `round` (read back from the outbox, the relay's envelope) published raw, `batch` in flight; msg/s. */
async function rawRound(round: string): Promise<number> {
  const { rows } = await db.query<EnvelopeRow>(
    scope(),
    `SELECT id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data
     FROM outbox WHERE id LIKE $1 ORDER BY id`,
    [`evt_${round}_%`],
  );
  // The bytes the kit's wire format puts on the wire (events/wire.ts encodeBody); a fresh
  // Nats-Msg-Id so the stream stores them rather than de-duplicating against the relay's copy.
  const bodies = rows.map((row) => ({
    id: `raw_${row.id}`,
    body: Buffer.from(
      JSON.stringify({
        id: row.id,
        type: row.type,
        tenantId: row.tenant_id,
        aggregateType: row.aggregate_type,
        aggregateId: row.aggregate_id,
        aggregateVersion: row.aggregate_version,
        occurredAt: new Date(row.occurred_at).toISOString(),
        data: row.data,
      }),
    ),
  }));
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (let item = bodies[next++]; item !== undefined; item = bodies[next++]) {
      const carried = natsHeaders();
      carried.set('traceparent', traceparent);
      await js.publish(`${ns}.raw`, item.body, { msgID: item.id, headers: carried });
    }
  };
  await Promise.all(Array.from({ length: settings.batch }, lane));
  return (bodies.length / (performance.now() - started)) * 1_000;
}

/** Commit → handler latency at `rate` events/s for `seconds`, after a 2 s warm-up (discarded). */
async function latency() {
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  const arrivedFirst = new Set<string>();
  /** Ids committed after the warm-up: only these are measured. */
  const measured = new Set<string>();
  const subscription = await bus.subscribe(
    {
      consumer: 'latency',
      types: ['order.fulfilled'],
      concurrency: 64,
      maxDeliveries: 3,
      backoffMs: () => 100,
      onDeadLetter: async () => {},
    },
    async ({ message }: { message: EventMessage }) => {
      const at = committedAt.get(message.id);
      // Delivered before this process saw its COMMIT return (the NOTIFY raced the reply): ~0 ms.
      if (at === undefined) arrivedFirst.add(message.id);
      else if (measured.has(message.id)) latencies.push(performance.now() - at);
    },
  );
  const relay = createOutboxRelay({
    db,
    bus,
    logger,
    batchSize: settings.batch,
    pollIntervalMs: 1_000,
    leaseMs: 30_000,
  });
  await relay.start();
  // The service's writers notify the relays after each commit (kit outbox-notifier.ts; there is
  // no trigger): without this the relay would only find the rows by polling, once a second.
  const writes = notifyingOutboxWrites(db, logger);
  const perTick = settings.rate / 100;
  const warmUpTicks = 200;
  const round = randomBytes(4).toString('hex');
  let tick = 0;
  let late = 0;
  const commit = async (index: number): Promise<void> => {
    const ids = Array.from(
      { length: perTick },
      (_, i) => `evt_${round}_${String(index * perTick + i).padStart(8, '0')}`,
    );
    await writes.db.transaction(scope(), (tx) =>
      tx.query(
        `INSERT INTO outbox (id, tenant_id, type, aggregate_type, aggregate_id, aggregate_version, occurred_at, data, headers)
       SELECT id, 'ten_bench', 'order.fulfilled', 'order', id, 1, now(), jsonb_build_object('blob', $2::text),
              jsonb_build_object('traceparent', $3::text)
       FROM unnest($1::text[]) AS id`,
        [ids, blob, traceparent],
      ),
    );
    const now = performance.now();
    for (const id of ids) {
      committedAt.set(id, now);
      if (index >= warmUpTicks) measured.add(id);
      if (arrivedFirst.delete(id) && measured.has(id)) latencies.push(0);
    }
  };
  const total = settings.seconds * 100 + warmUpTicks;
  const began = performance.now();
  const inFlight = new Set<Promise<void>>();
  while (tick < total) {
    const due = began + tick * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    else late += 1;
    const work = commit(tick).finally(() => inFlight.delete(work));
    inFlight.add(work);
    tick += 1;
  }
  await Promise.all(inFlight);
  const achieved = ((total - warmUpTicks) * perTick) / ((performance.now() - began - 2_000) / 1_000);
  const expected = settings.seconds * settings.rate;
  const until = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  await writes.close();
  await relay.stop(5_000);
  await subscription.stop(2_000);
  return { ...summarize(latencies), expected, achievedRate: Math.round(achieved), lateTicks: late };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const command = `node bench/event-flow.ts ${process.argv.slice(2).join(' ')}`.trim();
const machine = describeMachine(database.serverVersion);
const perRound: { relay: number; raw: number }[] = [];
try {
  const warmUp = randomBytes(4).toString('hex');
  await relayRound(warmUp); // warm-up: connections, JIT, the stream's first writes
  await rawRound(warmUp);
  for (let round = 0; round < settings.rounds; round += 1) {
    const id = randomBytes(4).toString('hex');
    const relay = await relayRound(id);
    const raw = await rawRound(id);
    perRound.push({ relay: Math.round(relay), raw: Math.round(raw) });
  }
  const lat = await latency();
  const summary = {
    command,
    date: new Date().toISOString(),
    machine,
    settings,
    perRound,
    relayRowsPerSec: median(perRound.map((r) => r.relay)),
    rawMsgPerSec: median(perRound.map((r) => r.raw)),
    relayOverRaw: Number(median(perRound.map((r) => r.relay / r.raw)).toFixed(3)),
    latency: lat,
  };
  const lines = [
    `# Event flow bench, ${summary.date}`,
    '',
    `Command: \`${command}\``,
    `Machine: ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, ${machine.postgres.split(' ').slice(0, 2).join(' ')}; load average at start ${machine.loadAverageAtStart.join(' / ')}`,
    '',
    '| measure | value |',
    '|---|---|',
    `| relay: outbox rows → JetStream, published and marked (batch ${settings.batch}) | ${summary.relayRowsPerSec} rows/s (median of ${settings.rounds}) |`,
    `| raw js.publish + PubAck, same messages, ${settings.batch} in flight | ${summary.rawMsgPerSec} msg/s |`,
    `| **relay / raw** (median of per-round ratios) | **${(summary.relayOverRaw * 100).toFixed(1)} %** |`,
    `| commit → consumer at ${settings.rate} events/s (achieved ${lat.achievedRate}/s, ${lat.lateTicks} late ticks) | p50 ${lat.p50Ms.toFixed(1)} ms, p99 ${lat.p99Ms.toFixed(1)} ms, max ${lat.maxMs.toFixed(1)} ms over ${lat.count}/${lat.expected} events |`,
    '',
    `Per round (relay rows/s, raw msg/s): ${perRound.map((r) => `${r.relay} / ${r.raw}`).join('; ')}`,
  ];
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    console.log(lines.join('\n'));
    mkdirSync(values.out, { recursive: true });
    const stamp = summary.date.slice(0, 16).replace('T', '-').replace(':', '');
    writeFileSync(join(values.out, `${stamp}-event-flow.json`), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(values.out, `${stamp}-event-flow.md`), `${lines.join('\n')}\n`);
  }
} finally {
  await runCleanups();
}
