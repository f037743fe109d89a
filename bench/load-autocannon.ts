// Load generator child: runs autocannon for a warm-up (discarded), then for the measured
// window, and prints one JSON Measurement line. Spawned by bench/run.ts, pinned to the load core.
// Usage: node bench/load-autocannon.ts '<json LoadSpec>'
import autocannon from 'autocannon';
import type { Measurement } from './measurement.ts';
import { summarize } from './percentiles.ts';

export interface LoadSpec {
  readonly scenario: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  /** One body, or several that every connection cycles through (spreads orders over products). */
  readonly bodies?: readonly string[];
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
}

function options(spec: LoadSpec, durationS: number) {
  return {
    url: spec.url,
    connections: spec.connections,
    duration: durationS,
    timeout: 10,
    method: spec.method,
    headers: spec.headers,
    ...(spec.bodies?.length === 1 ? { body: spec.bodies[0] } : {}),
    ...(spec.bodies !== undefined && spec.bodies.length > 1
      ? { requests: spec.bodies.map((body) => ({ method: spec.method, body })) }
      : {}),
  };
}

// The spec is written by bench/run.ts (same repository), so it is trusted as typed.
const spec: LoadSpec = JSON.parse(process.argv[2] ?? '{}');
if (spec.warmupS > 0) await autocannon(options(spec, spec.warmupS));

// autocannon's own latency histogram truncates to whole milliseconds; keep the exact
// durations of 2xx responses (as autocannon does) and take percentiles over them instead.
const latencies: number[] = [];
const instance = autocannon(options(spec, spec.durationS));
instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
  if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
});
const result = await instance;

const breakdown: Record<string, number> = {};
for (const [code, stat] of Object.entries(result.statusCodeStats)) breakdown[code] = Number(stat.count);
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
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  breakdown,
};
process.stdout.write(`${JSON.stringify(measurement)}\n`);
