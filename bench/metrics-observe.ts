// Per-request cost of the HTTP duration observation (issue 10 §2, exemplars): the histogram as it
// is without tracing (prom-client's plain observe), and the exemplar-capable one tracing turns on,
// for a request with no sampled trace and for one with a trace id. Same labels, same bucket
// spread. Scenarios interleaved per round, medians reported (the machine is noisy): compare
// against the plain row, never absolute figures across runs.
//
//   node bench/metrics-observe.ts [--calls N] [--rounds N] [--json]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createMetrics, type HttpLabel } from '@keelson/kit/metrics';
import type { Histogram } from 'prom-client';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '300000' },
    rounds: { type: 'string', default: '9' },
    json: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
if (!Number.isInteger(calls) || calls < 1 || !Number.isInteger(rounds) || rounds < 1) {
  throw new Error('--calls and --rounds must be positive integers');
}

const plain = createMetrics().httpRequestDuration;
// Typed as the exemplar hook types it (http-metrics.fastify.ts).
const exemplary = createMetrics({ exemplars: true }).httpRequestDuration as unknown as Histogram<
  HttpLabel | 'trace_id'
>;
const durations = Array.from({ length: 1024 }, (_, i) => (i % 97) / 1000);
const traceId = '0af7651916cd43dd8448eb211c80319c';
// Each request builds its labels object, as the hook does.
const labels = () => ({ method: 'GET', route: '/v1/products/:id', status: '200' });

type Scenario = { readonly name: string; readonly once: (i: number) => void };
const scenarios: readonly Scenario[] = [
  { name: 'plain observe (tracing off, as today)', once: (i) => plain.observe(labels(), durations[i & 1023] ?? 0) },
  {
    name: 'exemplar histogram, unsampled request',
    once: (i) => exemplary.observe({ labels: labels(), value: durations[i & 1023] ?? 0 }),
  },
  {
    name: 'exemplar histogram, sampled request',
    once: (i) =>
      exemplary.observe({ labels: labels(), value: durations[i & 1023] ?? 0, exemplarLabels: { trace_id: traceId } }),
  },
];

function run(scenario: Scenario, n: number): number {
  const started = performance.now();
  for (let i = 0; i < n; i++) scenario.once(i);
  return ((performance.now() - started) * 1_000_000) / n; // ns per observation
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

for (const scenario of scenarios) run(scenario, calls); // warm-up: let the JIT settle
const samples = new Map<string, number[]>(scenarios.map((s) => [s.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const scenario of scenarios) samples.get(scenario.name)?.push(run(scenario, calls));
}
const rows = scenarios.map((s) => ({ scenario: s.name, nsPerCall: Math.round(median(samples.get(s.name) ?? [])) }));
if (values.json) {
  console.log(JSON.stringify({ bench: 'metrics-observe', node: process.version, calls, rounds, rows }));
} else {
  console.log(`HTTP duration observation, ${calls} calls × ${rounds} rounds, median ns per call:`);
  for (const row of rows) console.log(`  ${row.scenario.padEnd(40)} ${row.nsPerCall} ns`);
}
