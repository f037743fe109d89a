// What the event-flow process tests (events-chaos) share: an `api` process and a restartable
// `worker` process on one PostgreSQL database, the worker reaching JetStream through a TCP proxy
// the test owns; a paying load through the API; and the exactly-once audit of the database
// against the stream read back from the server.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { startTcpProxy, type TcpProxy } from '../../../../packages/kit/test/support/tcp-proxy.ts';
import { brokerTargets } from './brokers.ts';
import type { OwnedTestDatabase } from './databases.ts';
import { type StoredEvent, streamOfPrefix } from './jetstream-readback.ts';
import { cleanupStack, type OwnedSim, provisionTenant, startOwnedSim } from './payment-chaos.ts';
import { type ServiceProcess, serviceEnv, startServiceProcess, tempDir } from './service-process.ts';

export interface EventStack {
  readonly api: ServiceProcess;
  readonly token: string;
  readonly proxy: TcpProxy;
  readonly sim: OwnedSim;
  readonly natsUrl: string;
  readonly stream: string;
  /** The durable fulfillment consumer's subject on that stream. */
  readonly paidSubject: string;
  /** Every worker started so far, the current one last. */
  readonly workers: ServiceProcess[];
  worker(): ServiceProcess;
  startWorker(): Promise<ServiceProcess>;
}

/** Worker settings that make a kill land mid-flow and recovery quick enough for a test. */
export interface WorkerTuning {
  readonly fulfillmentDelayMs: number;
  /** Short leases: rows a killed relay claimed are taken over after this (the default 30 s). */
  readonly leaseMs: number;
}

/** The stack on `database`, with a fresh event prefix; everything is undone by the test's cleanup. */
export async function startEventStack(
  t: TestContext,
  database: OwnedTestDatabase,
  tuning: WorkerTuning,
): Promise<EventStack> {
  const jetstreamTarget = brokerTargets().find((b) => b.name === 'jetstream') ?? assert.fail('no jetstream target');
  const defer = cleanupStack(t);
  defer(() => database.dispose());
  const { prefix, env: brokerEnv } = jetstreamTarget.prepare();
  const natsUrl = brokerEnv.KEELSON_NATS_URL ?? assert.fail('no NATS URL');
  defer(() => jetstreamTarget.cleanup(prefix, ['fulfillment']));
  const nats = new URL(natsUrl);
  const proxy = await startTcpProxy({ host: nats.hostname, port: Number(nats.port || 4222) });
  defer(() => proxy.close());
  const sim = await startOwnedSim();
  defer(() => sim.close());
  const dir = tempDir('keelson-events-chaos-');
  defer(() => dir.remove());
  const started: ServiceProcess[] = [];
  defer(async () => {
    for (const each of started) await each.kill();
  });

  const apiSettings = await serviceEnv({ dataDir: dir.path, databaseUrl: database.url, logLevel: 'warn' });
  const apiEnv = { ...apiSettings.env, KEELSON_PSP_URL: sim.url };
  const api = await startServiceProcess({ ...apiSettings, env: apiEnv }, { serveArgs: ['--role', 'api'] });
  started.push(api);
  const token = await provisionTenant(apiEnv, 'Events chaos');

  const workerSettings = await serviceEnv({ dataDir: dir.path, databaseUrl: database.url, logLevel: 'info' });
  const workerEnv = {
    ...workerSettings.env,
    KEELSON_PSP_URL: sim.url,
    KEELSON_NATS_URL: proxy.proxied(natsUrl).replace(/\/$/, ''),
    KEELSON_EVENT_PREFIX: prefix,
    KEELSON_FULFILLMENT_DELAY_MS: String(tuning.fulfillmentDelayMs),
    KEELSON_OUTBOX_LEASE_MS: String(tuning.leaseMs),
    KEELSON_OUTBOX_POLL_INTERVAL_MS: '200',
  };
  const workers: ServiceProcess[] = [];
  return {
    api,
    token,
    proxy,
    sim,
    natsUrl,
    stream: streamOfPrefix(prefix),
    paidSubject: `${prefix}.order.paid`,
    workers,
    worker: () => workers.at(-1) ?? assert.fail('no worker started'),
    async startWorker() {
      // Fresh ports for every start: a port picked when the stack started may since have become
      // the local port of one of the many client sockets the load opened (CI, 2026-12-07: the
      // SIGTERM test's first worker failed with EADDRINUSE). Nothing but the test talks to a worker.
      const ports = await serviceEnv({ dataDir: dir.path });
      const env = {
        ...workerEnv,
        KEELSON_HTTP_PORT: ports.env.KEELSON_HTTP_PORT ?? '',
        KEELSON_ADMIN_PORT: ports.env.KEELSON_ADMIN_PORT ?? '',
      };
      const worker = await startServiceProcess(
        { ...ports, env },
        { serveArgs: ['--role', 'worker'], readyTimeoutMs: 30_000 },
      );
      started.push(worker);
      workers.push(worker);
      return worker;
    },
  };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function post(url: string, token: string, key: string, body: unknown): Promise<Answer | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  } catch {
    return undefined; // a dropped connection or a timeout: retried with the same key
  }
}

/** POST with an Idempotency-Key, retried (same key) on a dropped connection, 409 or 5xx; fails otherwise. */
async function postUntilCreated(url: string, token: string, key: string, body: unknown): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await post(url, token, key, body);
    if (answer?.status === 201 && typeof answer.body.id === 'string') return answer.body.id;
    const retryable = answer === undefined || answer.status === 409 || answer.status >= 500;
    if (!retryable || attempt >= 20) assert.fail(`POST ${url} (key ${key}): ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

export interface PayingLoad {
  /** Orders placed and paid (201) so far. */
  readonly paid: number;
  readonly orderIds: readonly string[];
  readonly done: Promise<void>;
}

/**
 * `count` orders of one product, each paid once, `lanes` at a time; `onPaid` after each payment.
 * While `more()` holds the lanes go on past `count` (up to 10 × `count`, the product's stock), so
 * a test can keep the load running until its last fault has struck.
 */
export async function payingLoad(
  stack: EventStack,
  count: number,
  lanes: number,
  onPaid: () => void = () => {},
  more: () => boolean = () => false,
): Promise<PayingLoad> {
  const { api, token } = stack;
  const product = await postUntilCreated(`${api.apiUrl}/v1/products`, token, `product-${Date.now()}`, {
    sku: `chaos-${Date.now()}`,
    name: 'Chaos mug',
    unit_amount: 1_000,
    currency: 'EUR',
    stock: count * 10,
  });
  const orderIds: string[] = [];
  let next = 0;
  let paid = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < count || (more() && index < count * 10); index = next++) {
      const order = await postUntilCreated(`${api.apiUrl}/v1/orders`, token, `order-${product}-${index}`, {
        lines: [{ product_id: product, quantity: 1 }],
      });
      orderIds.push(order);
      await postUntilCreated(`${api.apiUrl}/v1/orders/${order}/payments`, token, `pay-${order}`, {
        payment_method: 'pm_card_visa',
      });
      paid += 1;
      onPaid();
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, lane)).then(() => undefined);
  return {
    get paid() {
      return paid;
    },
    orderIds,
    done,
  };
}

/** Waits (bounded) until every order is fulfilled and no outbox row is left unpublished. */
export async function waitForDrain(
  database: OwnedTestDatabase,
  orders: number,
  worker: () => ServiceProcess,
  timeoutMs: number,
) {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const { rows } = await database.db.query<{ fulfilled: number; unpublished: number }>(
      { deadline: Date.now() + 10_000 },
      `SELECT (SELECT count(*) FROM orders WHERE status = 'fulfilled')::int AS fulfilled,
              (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS unpublished`,
    );
    last = rows[0];
    if (rows[0]?.fulfilled === orders && rows[0].unpublished === 0) return;
    if (worker().exit !== undefined) assert.fail(`the worker exited while draining.\n${worker().describe()}`);
    if (Date.now() > until)
      assert.fail(`not drained in ${timeoutMs} ms: ${JSON.stringify(last)}\n${worker().describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Audit {
  readonly outboxRows: number;
  readonly streamMessages: number;
  /** Committed outbox ids found neither in the stream nor in the dead letters. */
  readonly lost: readonly string[];
  /** Stream messages whose id the outbox does not have. */
  readonly unknown: readonly string[];
  /** Stream messages beyond the first of their id (what de-duplication let through). */
  readonly storedTwice: number;
  /** Aggregates whose versions are not increasing in stream order. */
  readonly outOfOrder: readonly string[];
  /** Orders not fulfilled, or whose order.paid has other than one inbox row, or other than one order.fulfilled. */
  readonly notExactlyOnce: readonly string[];
  readonly deadLetters: number;
}

/** The database against the stream, per outbox id and per order. */
export async function audit(
  database: OwnedTestDatabase,
  stored: readonly StoredEvent[],
  orderIds: readonly string[],
): Promise<Audit> {
  const scope = { deadline: Date.now() + 30_000 };
  const outbox = await database.db.query<{ id: string }>(scope, 'SELECT id FROM outbox');
  const dead = await database.db.query<{ message_key: string }>(
    scope,
    "SELECT message_key FROM dead_letters WHERE source = 'event'",
  );
  const inStream = new Set(stored.map((m) => m.id));
  const accounted = new Set([...inStream, ...dead.rows.map((r) => r.message_key)]);
  const ids = new Set(outbox.rows.map((r) => r.id));
  const versions = new Map<string, number>();
  const outOfOrder = new Set<string>();
  for (const message of stored) {
    const last = versions.get(message.aggregateId) ?? 0;
    if (message.aggregateVersion <= last) outOfOrder.add(message.aggregateId);
    versions.set(message.aggregateId, message.aggregateVersion);
  }
  // Aggregated once per table (hash joins): a correlated count per order scans the outbox per order.
  const perOrder = await database.db.query<{ id: string; status: string; consumed: number; fulfilled: number }>(
    scope,
    `WITH paid AS (
       SELECT p.aggregate_id, count(i.event_id)::int AS consumed
       FROM outbox p LEFT JOIN inbox i ON i.consumer = 'fulfillment' AND i.event_id = p.id
       WHERE p.type = 'order.paid' GROUP BY p.aggregate_id
     ), shipped AS (
       SELECT aggregate_id, count(*)::int AS fulfilled FROM outbox WHERE type = 'order.fulfilled' GROUP BY aggregate_id
     )
     SELECT o.id, o.status, coalesce(paid.consumed, 0) AS consumed, coalesce(shipped.fulfilled, 0) AS fulfilled
     FROM orders o LEFT JOIN paid ON paid.aggregate_id = o.id LEFT JOIN shipped ON shipped.aggregate_id = o.id
     WHERE o.id = ANY($1::text[])`,
    [orderIds],
  );
  const found = new Set(perOrder.rows.map((r) => r.id));
  const notExactlyOnce = [
    ...orderIds.filter((id) => !found.has(id)).map((id) => `${id}: missing`),
    ...perOrder.rows
      .filter((r) => r.status !== 'fulfilled' || r.consumed !== 1 || r.fulfilled !== 1)
      .map((r) => `${r.id}: ${r.status}, order.paid consumed ${r.consumed}×, ${r.fulfilled} order.fulfilled`),
  ];
  return {
    outboxRows: ids.size,
    streamMessages: stored.length,
    lost: [...ids].filter((id) => !accounted.has(id)),
    unknown: [...inStream].filter((id) => !ids.has(id)),
    storedTwice: stored.length - inStream.size,
    outOfOrder: [...outOfOrder],
    notExactlyOnce,
    deadLetters: dead.rows.length,
  };
}

/** Log lines of the fulfillment consumer saying a redelivery found its inbox row (a lower bound: a kill -9 loses a buffered line). */
export function duplicatesLogged(workers: readonly ServiceProcess[]): number {
  return workers.reduce(
    (sum, w) =>
      sum + w.logLines().filter((l) => l.msg === 'fulfillment: event already applied; redelivery ignored').length,
    0,
  );
}
