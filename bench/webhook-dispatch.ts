// Webhook dispatch throughput (issue 8 §7), in one process and one run, on a throwaway PostgreSQL
// database (the checkout migrations: the real webhook tables and the claim's indexes):
//  - service: N pending deliveries (~1 KiB bodies) spread over a few endpoints that point at a
//    plain-http receiver this process runs on 127.0.0.1, drained by the service's own delivery
//    worker (claim → sign → guarded POST → record), built as composition/webhooks.ts builds it
//    (the SSRF guard with 127.0.0.1 allow-listed and http allowed, the same limits);
//  - baseline: the same N bodies, signed the same way, POSTed straight to the same receiver with
//    node:http, a fresh connection each (the worker must: its guard checks every connection's
//    address), as many in flight as the worker may have (min(concurrency, endpoints × 4)).
// The receiver verifies every signature and answers 204. Interleaved rounds after a warm-up;
// medians and the median of the per-round ratios. Compare ratios, not absolutes (shared host).
//
//   node bench/webhook-dispatch.ts [--deliveries N] [--endpoints N] [--rounds N] [--concurrency N] [--json] [--out DIR]
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createMigrator, createPgDatabase, type Database } from '@keelson/kit/db';
import { createIdGenerator } from '@keelson/kit/ids';
import { createAddressGuard, signatureHeader, signWebhookPayload, verifyWebhookSignature } from '@keelson/kit/webhooks';
import pino from 'pino';
import { migrationsDir } from '../services/checkout/src/adapters/postgres/migrations-dir.ts';
import { createWebhookDeliveryQueue } from '../services/checkout/src/adapters/postgres/webhook-delivery.pg-queue.ts';
import { startDeliveryWorker } from '../services/checkout/src/adapters/webhooks/delivery-worker.ts';
import { createSecretBox } from '../services/checkout/src/adapters/webhooks/secret-box.ts';
import { webhookDelivery } from '../services/checkout/src/composition/webhooks.ts';
import type { DeliveryPolicy } from '../services/checkout/src/domain/webhooks.ts';
import { createBenchDatabase } from './bench-database.ts';
import { installSignalHandlers, onCleanup, runCleanups } from './cleanup.ts';
import { describeMachine } from './machine.ts';

const { values } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    deliveries: { type: 'string', default: '2000' },
    endpoints: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    // The service's default KEELSON_WEBHOOKS_CONCURRENCY.
    concurrency: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
    out: { type: 'string', default: join(import.meta.dirname, 'results') },
  },
});
const settings = {
  deliveries: Number(values.deliveries),
  endpoints: Number(values.endpoints),
  rounds: Number(values.rounds),
  concurrency: Number(values.concurrency),
};
for (const [flag, n] of Object.entries(settings)) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer`);
}
/** What the worker can have in flight: its own bound, and `perEndpoint` per endpoint. */
const inFlight = Math.min(settings.concurrency, settings.endpoints * webhookDelivery.perEndpoint);

installSignalHandlers();
// Everything below in one try: the receiver and the database are removed on any error too.
try {
  const logger = pino({ level: 'warn' });
  const newId = createIdGenerator();
  const box = createSecretBox(randomBytes(32).toString('base64url'));
  const tenantId = 'ten_bench';
  const blob = randomBytes(640).toString('base64'); // with the envelope's fields, ~1 KiB of JSON
  const secrets = Array.from({ length: settings.endpoints }, () => `whsec_${randomBytes(24).toString('base64url')}`);

  // The receiver: /hook/<endpoint index>, every signature checked against that endpoint's secret.
  const received = { ok: 0, bad: 0 };
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const secret = secrets[Number(request.url?.split('/')[2])] ?? '';
      const header = request.headers[signatureHeader.toLowerCase()];
      const check = verifyWebhookSignature(
        secret,
        typeof header === 'string' ? header : undefined,
        Buffer.concat(chunks),
        300,
      );
      if (check === 'ok') received.ok += 1;
      else received.bad += 1;
      response.writeHead(check === 'ok' ? 204 : 400).end();
    });
  });
  receiver.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  onCleanup('stop the receiver', () => {
    receiver.closeAllConnections();
    return new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  const port = (receiver.address() as AddressInfo).port; // listen() on a TCP host: always an AddressInfo
  const urlOf = (endpoint: number) => `http://127.0.0.1:${port}/hook/${endpoint}`;

  const database = await createBenchDatabase(values['database-url']);
  const db: Database = createPgDatabase({ url: database.url, maxConnections: 10 });
  onCleanup('close the database pool', () => db.close());
  await createMigrator(db, migrationsDir).up();
  const scope = () => ({ deadline: Date.now() + 60_000 });
  await db.query(scope(), `INSERT INTO tenants (id, name, created_at) VALUES ($1, 'bench', now())`, [tenantId]);
  const endpointIds = secrets.map(() => newId('we'));
  for (const [i, id] of endpointIds.entries()) {
    await db.query(
      scope(),
      `INSERT INTO webhook_endpoints (tenant_id, id, url, enabled_events, secret_sealed, created_at)
     VALUES ($1, $2, $3, '{*}', $4, now())`,
      [tenantId, id, urlOf(i), box.seal(id, secrets[i] ?? '')],
    );
  }

  /** The body of delivery `i` of round `round`, the shape renderEvent gives an event. */
  const bodyOf = (round: string, i: number) =>
    JSON.stringify({
      id: `evt_${round}_${i}`,
      object: 'event',
      type: 'order.paid',
      created: Math.floor(Date.now() / 1_000),
      data: { object: { id: `ord_${round}_${i}`, blob } },
    });

  /** `deliveries` pending, due now, round-robin over the endpoints (bulk insert, not measured). */
  async function seed(round: string): Promise<void> {
    await db.query(
      scope(),
      `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body, status, next_attempt_at, created_at, retry_from)
     SELECT $1, 'whd_' || $2 || '_' || i, ($3::text[])[1 + i % cardinality($3::text[])], 'evt_' || $2 || '_' || i,
            'order.paid', body, 'pending', now() - interval '1 second', now(), now()
     FROM unnest($4::text[]) WITH ORDINALITY AS b(body, i)`,
      [tenantId, round, endpointIds, Array.from({ length: settings.deliveries }, (_, i) => bodyOf(round, i + 1))],
    );
  }

  const policy: DeliveryPolicy = {
    retryBaseMs: webhookDelivery.retryBaseMs,
    retryMaxDelayMs: webhookDelivery.retryMaxDelayMs,
    retryHorizonMs: 72 * 3_600_000,
    breakerThreshold: webhookDelivery.breakerThreshold,
    breakerOpenMs: webhookDelivery.breakerOpenMs,
  };

  async function settled(round: string): Promise<{ succeeded: number; other: number }> {
    const { rows } = await db.query<{ succeeded: number; other: number }>(
      scope(),
      `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status <> 'succeeded' AND attempts > 1)::int AS other
     FROM webhook_deliveries WHERE id LIKE $1`,
      [`whd_${round}_%`],
    );
    return rows[0] ?? { succeeded: 0, other: 0 };
  }

  /** Deliveries/s the service's worker drains a fresh `deliveries` at (POSTed and recorded). */
  async function workerRound(round: string): Promise<number> {
    await seed(round);
    const worker = startDeliveryWorker({
      queue: createWebhookDeliveryQueue(db, newId, box),
      policy,
      guard: createAddressGuard({ allowHttp: true, allowlist: ['127.0.0.1'] }),
      clock: { now: () => new Date() },
      concurrency: settings.concurrency,
      perEndpoint: webhookDelivery.perEndpoint,
      pollMs: webhookDelivery.pollMs,
      timeoutMs: webhookDelivery.timeoutMs,
      logger,
    });
    const started = performance.now();
    const until = Date.now() + 300_000;
    try {
      for (;;) {
        const { succeeded, other } = await settled(round);
        if (succeeded === settings.deliveries) break;
        if (other > 0) throw new Error(`${other} deliveries needed a retry: the receiver refused or failed`);
        if (Date.now() > until) throw new Error(`only ${succeeded}/${settings.deliveries} delivered in 300 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return (settings.deliveries / (performance.now() - started)) * 1_000;
    } finally {
      await worker.stop(webhookDelivery.drainMs);
    }
  }

  function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = http.request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        timeout: webhookDelivery.timeoutMs,
      });
      request.on('response', (response) => {
        resolve(response.statusCode ?? 0);
        response.destroy();
      });
      request.on('timeout', () => request.destroy(new Error('timeout')));
      request.on('error', reject);
      request.end(body);
    });
  }

  /** The same bodies, signed with the same headers, POSTed straight to the receiver; POST/s. */
  async function directRound(round: string): Promise<number> {
    let next = 0;
    const started = performance.now();
    const lane = async (): Promise<void> => {
      for (let i = next++; i < settings.deliveries; i = next++) {
        const endpoint = (i + 1) % settings.endpoints;
        const body = bodyOf(round, i + 1);
        const status = await post(urlOf(endpoint), body, {
          'content-type': 'application/json',
          'user-agent': 'Keelson-Webhooks/1',
          'keelson-event-id': `evt_${round}_${i + 1}`,
          'keelson-delivery-id': `whd_${round}_${i + 1}`,
          [signatureHeader]: signWebhookPayload([secrets[endpoint] ?? ''], body, Math.floor(Date.now() / 1_000)),
        });
        if (status !== 204) throw new Error(`the receiver answered ${status}`);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return (settings.deliveries / (performance.now() - started)) * 1_000;
  }

  const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const command = `node bench/webhook-dispatch.ts ${process.argv.slice(2).join(' ')}`.trim();
  const perRound: { worker: number; direct: number }[] = [];
  const machine = describeMachine(database.serverVersion);
  const warmUp = randomBytes(4).toString('hex');
  await workerRound(warmUp); // warm-up: connections, JIT
  await directRound(warmUp);
  for (let round = 0; round < settings.rounds; round += 1) {
    const id = randomBytes(4).toString('hex');
    const worker = await workerRound(id);
    const direct = await directRound(id);
    perRound.push({ worker: Math.round(worker), direct: Math.round(direct) });
  }
  if (received.bad > 0) throw new Error(`${received.bad} requests carried a signature the receiver refused`);
  const summary = {
    command,
    date: new Date().toISOString(),
    machine,
    settings: { ...settings, inFlight, bodyBytes: Buffer.byteLength(bodyOf('00000000', 1)) },
    perRound,
    workerPerSec: median(perRound.map((r) => r.worker)),
    directPerSec: median(perRound.map((r) => r.direct)),
    workerOverDirect: Number(median(perRound.map((r) => r.worker / r.direct)).toFixed(3)),
    verifiedSignatures: received.ok,
  };
  const lines = [
    `# Webhook dispatch bench, ${summary.date}`,
    '',
    `Command: \`${command}\``,
    `Machine: ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, ${machine.postgres.split(' ').slice(0, 2).join(' ')}; load average at start ${machine.loadAverageAtStart.join(' / ')}`,
    '',
    '| measure | value |',
    '|---|---|',
    `| delivery worker: ${settings.deliveries} pending deliveries over ${settings.endpoints} endpoints, claimed, signed, POSTed, recorded (concurrency ${settings.concurrency}, ${webhookDelivery.perEndpoint} per endpoint) | ${summary.workerPerSec} deliveries/s (median of ${settings.rounds}) |`,
    `| direct: the same bodies signed and POSTed with node:http, fresh connection each, ${inFlight} in flight | ${summary.directPerSec} POST/s |`,
    `| **worker / direct** (median of per-round ratios) | **${(summary.workerOverDirect * 100).toFixed(1)} %** |`,
    '',
    `Per round (worker deliveries/s, direct POST/s): ${perRound.map((r) => `${r.worker} / ${r.direct}`).join('; ')}. Signatures verified by the receiver: ${received.ok}, refused: 0.`,
  ];
  if (values.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    console.log(lines.join('\n'));
    mkdirSync(values.out, { recursive: true });
    const stamp = summary.date.slice(0, 16).replace('T', '-').replace(':', '');
    writeFileSync(join(values.out, `${stamp}-webhook-dispatch.json`), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(values.out, `${stamp}-webhook-dispatch.md`), `${lines.join('\n')}\n`);
  }
} finally {
  await runCleanups();
}
