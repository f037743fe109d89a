// Raw-SQL baseline child: `concurrency` closed loops, each placing orders through
// bench/raw-order-transaction.ts on a pg pool of the same size, for a warm-up (discarded)
// and then the measured window. Prints one JSON Measurement line.
// Usage: node bench/raw-order-loop.ts '<json RawLoopSpec>'
import { performance } from 'node:perf_hooks';
import { createIdGenerator } from '@keelson/kit/ids';
import pg from 'pg';
import { stealWindow } from './host-steal.ts';
import type { Measurement } from './measurement.ts';
import { summarize } from './percentiles.ts';
import { placeOrderRaw } from './raw-order-transaction.ts';

export interface RawLoopSpec {
  readonly scenario: string;
  readonly databaseUrl: string;
  readonly tenantId: string;
  /** Orders rotate over these products (one = a single hot row, as in the service run). */
  readonly productIds: readonly string[];
  readonly concurrency: number;
  readonly durationS: number;
  readonly warmupS: number;
}

interface Window {
  readonly durationsMs: number[];
  readonly errors: Map<string, number>;
  elapsedS: number;
}

// The spec is written by bench/run.ts (same repository), so it is trusted as typed.
const spec: RawLoopSpec = JSON.parse(process.argv[2] ?? '{}');
const newId = createIdGenerator();
const pool = new pg.Pool({
  connectionString: spec.databaseUrl,
  max: spec.concurrency,
  connectionTimeoutMillis: 2_000,
  application_name: 'keelson-bench-raw',
});
pool.on('error', () => {});
const orders = spec.productIds.map((productId) => [{ productId, quantity: 1 }]);
let nextOrder = 0;

/** Runs the loops until `seconds` pass; the clock is checked before each transaction starts. */
async function drive(seconds: number): Promise<Window> {
  const window: Window = { durationsMs: [], errors: new Map(), elapsedS: 0 };
  const started = performance.now();
  const endAt = started + seconds * 1_000;
  const worker = async () => {
    while (performance.now() < endAt) {
      const lines = orders[nextOrder++ % orders.length] ?? [];
      const t0 = performance.now();
      try {
        await placeOrderRaw(pool, newId, spec.tenantId, lines);
        window.durationsMs.push(performance.now() - t0);
      } catch (error) {
        const key = error instanceof Error ? error.message.slice(0, 120) : String(error);
        window.errors.set(key, (window.errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  window.elapsedS = (performance.now() - started) / 1_000;
  return window;
}

try {
  if (spec.warmupS > 0) await drive(spec.warmupS);
  const steal = stealWindow();
  const measured = await drive(spec.durationS);
  const stealPct = steal.stop();
  const latency = summarize(measured.durationsMs);
  const errorCount = [...measured.errors.values()].reduce((a, b) => a + b, 0);
  const measurement: Measurement = {
    scenario: spec.scenario,
    tool: 'raw-pg-loop',
    completed: latency.count,
    durationS: measured.elapsedS,
    rate: measured.elapsedS > 0 ? latency.count / measured.elapsedS : 0,
    p50Ms: latency.p50Ms,
    p99Ms: latency.p99Ms,
    non2xx: 0,
    errors: errorCount,
    timeouts: 0,
    stealPct,
    breakdown: { committed: latency.count, ...Object.fromEntries(measured.errors) },
  };
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
} finally {
  await pool.end();
}
