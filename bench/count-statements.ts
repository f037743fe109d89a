// SQL statements and round trips per request (issue 9 §3: "cheaper payments"): counted, not timed,
// so a change to the payment path is judged without this host's noise. The service talks to
// PostgreSQL through a counting proxy (`pg-wire-counter.ts`); setup (migrations, seeding) does not.
//
// Two services in turn, each on a throwaway database:
// - `--role api`: the request path alone (no relays, consumers or webhook workers). N sequential
//   payments (pm_card_visa, a fresh Idempotency-Key each), then N orders (1 line), then N cold reads.
// - `--role all`: N payments again, then a settle window for what they set off in the background
//   (outbox relays, consumers, webhook fan-out): the total a payment costs the database.
// Each is corrected by the idle rate measured before it (the pollers: key revocation, relays, jobs).
//
//   node bench/count-statements.ts [--requests N] [--settle-ms MS] [--top K]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startPgWireCounter, type WireCounts } from '../packages/kit/test/support/pg-wire-counter.ts';
import { createBenchDatabase } from './bench-database.ts';
import { createProduct, provisionAccess, startService } from './checkout-service.ts';
import { onCleanup, runBench } from './cleanup.ts';
import { startPspSimChild } from './psp-sim-child.ts';
import { seedOrders } from './seed-orders.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = resolve(benchDir, '..');

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20' },
    'settle-ms': { type: 'string', default: '4000' },
    'idle-ms': { type: 'string', default: '4000' },
    top: { type: 'string', default: '40' },
  },
});
const requests = Number(values.requests);
const settleMs = Number(values['settle-ms']);
const idleMs = Number(values['idle-ms']);

interface Window {
  readonly counts: WireCounts;
  readonly ms: number;
}

/** Per request, with the idle rate over the same time taken out. */
function perRequest(window: Window, idle: Window, n: number): { roundTrips: number; statements: number } {
  const scale = window.ms / idle.ms;
  return {
    roundTrips: (window.counts.roundTrips - idle.counts.roundTrips * scale) / n,
    statements: (window.counts.statements - idle.counts.statements * scale) / n,
  };
}

function table(window: Window, n: number, top: number): string {
  const rows = [...window.counts.byText].sort((a, b) => b[1] - a[1]).slice(0, top);
  return rows.map(([text, times]) => `| ${(times / n).toFixed(2)} | \`${text.slice(0, 110)}\` |`).join('\n');
}

async function main(): Promise<void> {
  const adminUrl = process.env.KEELSON_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const lines: string[] = [];
  for (const role of ['api', 'all'] as const) {
    const db = await createBenchDatabase(adminUrl);
    const dropDb = onCleanup('drop the bench database', () => db.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'keelson-count-'));
    const removeDir = onCleanup(`remove ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
    const { child: psp, url: pspUrl } = await startPspSimChild({ dataDir, core: undefined, cwd: repoRoot });
    const stopPsp = onCleanup('stop psp-sim', () => psp.stop());
    const counter = await startPgWireCounter(db.url);
    const closeCounter = onCleanup('close the counter', () => counter.close());
    const env = { repoRoot, databaseUrl: db.url, dataDir };
    const { tenantId, token } = await provisionAccess(env);
    const service = await startService(
      { ...env, databaseUrl: counter.url },
      {
        name: role,
        core: undefined,
        poolMax: 10,
        logLevel: 'warn',
        role,
        env: { KEELSON_PSP_URL: pspUrl, KEELSON_PSP_API_KEY: 'sk_test_bench' },
      },
    );
    const stopService = onCleanup('stop the service', () => service.child.stop());
    const productId = await createProduct(service.baseUrl, token, 1_000_000_000, 0);
    const pathsFile = join(dataDir, 'paths.txt');
    const orderIds = await seedOrders({
      databaseUrl: db.url,
      tenantId,
      productIds: [productId],
      count: requests,
      concurrency: 4,
      pathsFile,
    });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const call = async (path: string, init: RequestInit, expect: number): Promise<void> => {
      const response = await fetch(`${service.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status !== expect) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}`);
    };
    const measure = async (work: () => Promise<void>): Promise<Window> => {
      counter.reset();
      const started = performance.now();
      await work();
      return { counts: counter.snapshot(), ms: performance.now() - started };
    };
    const idle = await measure(() => sleep(idleMs));
    const payments = await measure(async () => {
      for (const id of orderIds) {
        const init = { method: 'POST', headers: { ...headers, 'idempotency-key': randomUUID() } };
        await call(
          `/v1/orders/${id}/payments`,
          { ...init, body: JSON.stringify({ payment_method: 'pm_card_visa' }) },
          201,
        );
      }
      if (role === 'all') await sleep(settleMs);
    });
    const paid = perRequest(payments, idle, requests);
    lines.push(
      `## \`--role ${role}\`: ${requests} sequential payments${role === 'all' ? ` and ${settleMs} ms to settle` : ''}`,
      '',
      `Idle: ${((idle.counts.statements * 1000) / idle.ms).toFixed(1)} statements/s. ` +
        `**Per payment: ${paid.statements.toFixed(1)} statements, ${paid.roundTrips.toFixed(1)} round trips** (idle rate taken out).`,
      '',
      '| per payment | statement (idle pollers included) |',
      '|---:|---|',
      table(payments, requests, Number(values.top)),
      '',
    );
    if (role === 'api') {
      const orders = await measure(async () => {
        for (let i = 0; i < requests; i += 1) {
          const body = JSON.stringify({ lines: [{ product_id: productId, quantity: 1 }] });
          await call('/v1/orders', { method: 'POST', headers, body }, 201);
        }
      });
      const reads = await measure(async () => {
        for (let i = 0; i < requests; i += 1) await call(`/v1/products/${productId}`, { headers }, 200);
      });
      const placed = perRequest(orders, idle, requests);
      const read = perRequest(reads, idle, requests);
      lines.push(
        `Per \`POST /v1/orders\`: ${placed.statements.toFixed(1)} statements, ${placed.roundTrips.toFixed(1)} round trips. ` +
          `Per \`GET /v1/products/{id}\`: ${read.statements.toFixed(1)} statements, ${read.roundTrips.toFixed(1)} round trips.`,
        '',
        '| per order | statement |',
        '|---:|---|',
        table(orders, requests, 12),
        '',
      );
    }
    await stopService();
    await closeCounter();
    await stopPsp();
    await removeDir();
    await dropDb();
  }
  console.log(lines.join('\n'));
}

await runBench(main);
