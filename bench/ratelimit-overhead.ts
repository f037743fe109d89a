// Rate-limit decision overhead (issue 9 §6): µs per `limiter.admit` + `release`, sequential, with
// the memory store and, when a Redis URL is given, the Redis store (one EVALSHA per admit, one ZREM
// per release). Keys rotate over 1 000 subjects with limits out of reach, so every call is a full
// admission. Prints one JSON object (on one line with --json: how `npm run bench` runs it).
//   node bench/ratelimit-overhead.ts [--redis redis://127.0.0.1:6379] [--calls 20000] [--json]
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  createMemoryRateLimitStore,
  createRateLimiter,
  createRedisRateLimitStore,
  type RateLimiter,
} from '@keelson/kit/ratelimit';
import { createClient } from 'redis';
import { summarize } from './percentiles.ts';

const { values } = parseArgs({
  options: {
    redis: { type: 'string' },
    calls: { type: 'string', default: '20000' },
    json: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const policy = { name: 'bench', rate: 1e9, burst: 1e9, concurrency: 1e6 };

async function measure(limiter: RateLimiter): Promise<ReturnType<typeof summarize>> {
  const durations: number[] = [];
  for (let i = 0; i < calls + 1_000; i += 1) {
    const started = performance.now();
    const admission = await limiter.admit({ key: `k${i % 1_000}`, policy, cost: 1, leaseMs: 10_000 });
    if (admission.allowed) admission.release();
    // The first 1 000 calls warm up the JIT and the script cache.
    if (i >= 1_000) durations.push(performance.now() - started);
  }
  return summarize(durations);
}

const result: Record<string, unknown> = {
  node: process.version,
  cpu: os.cpus()[0]?.model,
  nproc: os.availableParallelism(),
  loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  calls,
  memory: await measure(createRateLimiter({ store: createMemoryRateLimitStore() })),
};
if (values.redis !== undefined) {
  const client = createClient({ url: values.redis });
  await client.connect();
  const prefix = `keelson:bench:${process.pid}:`;
  result.redis = await measure(
    createRateLimiter({
      store: createRedisRateLimitStore({ client, prefix }),
      fallback: createMemoryRateLimitStore(),
      timeoutMs: 1_000,
    }),
  );
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys);
  }
  client.destroy();
}
console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
