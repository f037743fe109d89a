// Per-call CPU overhead of a resilience policy (issue 7 §7): the same trivial async call, bare
// and through `policy.execute` / `policy.hedge` (all layers on: deadline timer, breaker,
// bulkhead, retry budget; the call succeeds, so nothing retries or hedges), in one process.
// Scenarios are interleaved per round and medians reported, because the machine is noisy;
// compare the overhead (policy − bare), never absolute figures across runs.
//
//   node bench/resilience-overhead.ts [--calls N] [--rounds N] [--concurrency N] [--json]
//
// Sequential: one call at a time (latency added to each call). Concurrent: N calls in flight,
// as a busy service has them (what the policy costs the event loop per call).
// Runs on its own; `--json` prints one line for bench/run.ts to pick up later.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createPolicy, outcomes, type Policy } from '@keelson/kit/resilience';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
for (const [flag, n] of [
  ['--calls', calls],
  ['--rounds', rounds],
  ['--concurrency', concurrency],
] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer`);
}

const policy: Policy = createPolicy({
  name: 'bench',
  timeout: { marginMs: 50, maxMs: 30_000 },
  retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000 },
  retryBudget: { ratio: 0.1, minRetriesPerSecond: 10, windowMs: 10_000 },
  breaker: { volumeThreshold: 20, failureRatio: 0.5, windowMs: 10_000, halfOpenAfterMs: 5_000, halfOpenProbes: 2 },
  bulkhead: { maxConcurrent: concurrency * 2, maxQueue: concurrency },
});
const classify = () => outcomes.transient();
const answer = { status: 'succeeded' };
const bare = async (_signal?: AbortSignal, _attempt?: number): Promise<typeof answer> => answer;
// A caller's context with a signal, as a request context has one: the policy follows it.
const caller = new AbortController();
const ctx = () => ({ deadline: Date.now() + 10_000, signal: caller.signal });

type Scenario = { readonly name: string; readonly once: () => Promise<unknown> };
const scenarios: readonly Scenario[] = [
  { name: 'bare call', once: () => bare() },
  { name: 'policy.execute', once: () => policy.execute(ctx(), bare, classify) },
  { name: 'policy.hedge', once: () => policy.hedge(ctx(), bare, classify, { afterMs: 100 }) },
];

async function sequential(scenario: Scenario, n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) await scenario.once();
  return ((performance.now() - started) * 1_000) / n; // µs per call
}

async function concurrent(scenario: Scenario, n: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < n) await scenario.once();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return ((performance.now() - started) * 1_000) / n;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const modes = { sequential, concurrent } as const;
const samples = new Map<string, number[]>();
// Warm-up: let the JIT settle on every path before anything is measured.
for (const scenario of scenarios) for (const run of Object.values(modes)) await run(scenario, Math.min(calls, 20_000));
for (let round = 0; round < rounds; round++) {
  for (const [mode, run] of Object.entries(modes)) {
    for (const scenario of scenarios) {
      const key = `${mode}|${scenario.name}`;
      samples.set(key, [...(samples.get(key) ?? []), await run(scenario, calls)]);
    }
  }
}

const rows = [...samples].map(([key, us]) => {
  const [mode = '', name = ''] = key.split('|');
  const bareUs = median(samples.get(`${mode}|bare call`) ?? []);
  return { mode, scenario: name, usPerCall: median(us), overheadUs: median(us) - bareUs };
});
// Every call must have taken the success path, or the figures measure something else.
const stats = policy.stats();
const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);
if (stats.retries + stats.hedges + sum(stats.rejections) + sum(stats.calls) - stats.calls.success > 0) {
  throw new Error(`the policy left its success path during the bench: ${JSON.stringify(stats)}`);
}
if (values.json) {
  console.log(
    JSON.stringify({ bench: 'resilience-overhead', node: process.version, calls, rounds, concurrency, rows }),
  );
} else {
  console.log(`resilience policy overhead, ${process.version}, ${calls} calls × ${rounds} rounds (medians)`);
  console.log(`${'mode'.padEnd(12)}${'scenario'.padEnd(18)}${'µs/call'.padStart(10)}${'overhead µs'.padStart(14)}`);
  for (const row of rows) {
    console.log(
      `${row.mode.padEnd(12)}${row.scenario.padEnd(18)}${row.usPerCall.toFixed(3).padStart(10)}${row.overheadUs.toFixed(3).padStart(14)}`,
    );
  }
  console.log(`(concurrent: ${concurrency} calls in flight)`);
}
