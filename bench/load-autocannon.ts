// Load generator child: runs autocannon for a warm-up (discarded), then for the measured
// window, and prints one JSON Measurement line. Spawned by bench/run.ts, pinned to the load core.
// Usage: node bench/load-autocannon.ts '<json LoadSpec>'
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import autocannon, { type RequestSpec } from 'autocannon';
import { stealWindow } from './host-steal.ts';
import type { Measurement } from './measurement.ts';
import { summarize } from './percentiles.ts';

export interface LoadSpec {
  readonly scenario: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  /** One body, or several that every connection cycles through (spreads orders over products). */
  readonly bodies?: readonly string[];
  /**
   * A file of request paths, one a line, each sent at most once, in order (warm-up first): the
   * payment scenario pays every pre-created order once. Running out is counted as errors.
   */
  readonly pathsFile?: string;
  /** A fresh `Idempotency-Key` on every request (unique across children and rounds). */
  readonly freshIdempotencyKey?: boolean;
  /**
   * The one status a clean answer has, when it is not 2xx (the revalidation scenario expects 304):
   * latencies are taken over it, and every other status counts as non-2xx.
   */
  readonly expectStatus?: number;
  /** Send exactly this many requests, no warm-up, instead of the timed windows (the RSS soak). */
  readonly amount?: number;
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
}

// Per-request paths and keys, shared by the warm-up and the measured window of this child.
const dynamic = { paths: [] as string[], nextPath: 0, exhausted: 0, keyPrefix: `bench-${randomUUID()}-`, nextKey: 0 };

function dynamicRequest(spec: LoadSpec): RequestSpec {
  return {
    method: spec.method,
    ...(spec.bodies?.[0] === undefined ? {} : { body: spec.bodies[0] }),
    setupRequest(request) {
      let path = request.path;
      if (spec.pathsFile !== undefined) {
        const next = dynamic.paths[dynamic.nextPath];
        if (next === undefined) dynamic.exhausted++;
        else dynamic.nextPath++;
        path = next ?? dynamic.paths.at(-1) ?? path;
      }
      const headers = spec.freshIdempotencyKey
        ? { ...request.headers, 'idempotency-key': `${dynamic.keyPrefix}${dynamic.nextKey++}` }
        : request.headers;
      return { ...request, path, headers };
    },
  };
}

function options(spec: LoadSpec, durationS: number) {
  const perRequest = spec.pathsFile !== undefined || spec.freshIdempotencyKey === true;
  return {
    url: spec.url,
    connections: spec.connections,
    duration: durationS,
    ...(spec.amount === undefined ? {} : { amount: spec.amount }),
    timeout: 10,
    method: spec.method,
    headers: spec.headers,
    ...(spec.bodies?.length === 1 ? { body: spec.bodies[0] } : {}),
    ...(spec.bodies !== undefined && spec.bodies.length > 1 && !perRequest
      ? { requests: spec.bodies.map((body) => ({ method: spec.method, body })) }
      : {}),
    ...(perRequest ? { requests: [dynamicRequest(spec)] } : {}),
  };
}

// The spec is written by bench/run.ts (same repository), so it is trusted as typed.
const spec: LoadSpec = JSON.parse(process.argv[2] ?? '{}');
if (spec.pathsFile !== undefined) {
  dynamic.paths = readFileSync(spec.pathsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}
if (spec.warmupS > 0 && spec.amount === undefined) await autocannon(options(spec, spec.warmupS));

// autocannon's own latency histogram truncates to whole milliseconds; keep the exact
// durations of clean responses (2xx, as autocannon does, or the expected status) and take
// percentiles over them instead.
const latencies: number[] = [];
const clean =
  spec.expectStatus === undefined
    ? (status: number) => status >= 200 && status < 300
    : (status: number) => status === spec.expectStatus;
const steal = stealWindow();
const instance = autocannon(options(spec, spec.durationS));
instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
  if (clean(statusCode)) latencies.push(responseTimeMs);
});
const result = await instance;
const stealPct = steal.stop();

const breakdown: Record<string, number> = {};
for (const [code, stat] of Object.entries(result.statusCodeStats)) breakdown[code] = Number(stat.count);
// Paths reused after the file ran out (the order was already paid): not a clean measurement.
if (dynamic.exhausted > 0) breakdown['paths file exhausted (requests reusing a path)'] = dynamic.exhausted;
const completed = result.requests.total;
const latency = summarize(latencies);
const measurement: Measurement = {
  scenario: spec.scenario,
  tool: 'autocannon',
  completed,
  durationS: result.duration,
  rate: result.duration > 0 ? completed / result.duration : 0,
  p50Ms: latency.p50Ms,
  p99Ms: latency.p99Ms,
  // With an expected status, "non-2xx" counts every answer with another status (a 200 included).
  non2xx:
    spec.expectStatus === undefined
      ? result.non2xx
      : Object.entries(breakdown).reduce((n, [code, count]) => (code === String(spec.expectStatus) ? n : n + count), 0),
  errors: result.errors + dynamic.exhausted,
  timeouts: result.timeouts,
  stealPct,
  breakdown,
};
process.stdout.write(`${JSON.stringify(measurement)}\n`);
