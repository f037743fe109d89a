import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createHttpServer } from '../src/http/index.ts';
import { createProfiler, registerPprofRoutes } from '../src/profiling/index.ts';
import { captureLogs, listen } from './http-test-support.ts';

// One profiler for the file: heap sampling is process-wide in V8.
const profiler = createProfiler({ heapSampleBytes: 64 * 1024 });

/** pprof files are gzipped protobuf whose string table names the sample types. */
function pprofStrings(file: Buffer): string {
  assert.deepEqual([...file.subarray(0, 2)], [0x1f, 0x8b], 'gzip magic');
  return gunzipSync(file).toString('latin1');
}

test('a CPU profile in pprof format, one at a time, ended early by its signal', async () => {
  const busyUntil = Date.now() + 300;
  const running = profiler.cpu(1, new AbortController().signal);
  let spin = 0;
  while (Date.now() < busyUntil) spin += Math.sqrt(spin + 1);
  await assert.rejects(profiler.cpu(1, new AbortController().signal), { code: 'profile_in_progress' });
  const strings = pprofStrings(await running);
  assert.match(strings, /wall/);
  assert.match(strings, /nanoseconds/);

  const stop = new AbortController();
  const started = performance.now();
  const early = profiler.cpu(60, stop.signal);
  stop.abort();
  assert.match(pprofStrings(await early), /wall/);
  assert.ok(performance.now() - started < 30_000, 'ended by its signal, not after 60 s');
});

test('a heap profile of what is live, in pprof format', async () => {
  const kept = Array.from({ length: 2_000 }, (_, i) => ({ i, text: `retained-${i}`.repeat(8) }));
  const strings = pprofStrings(await profiler.heap());
  assert.match(strings, /space/);
  assert.match(strings, /bytes/);
  assert.equal(kept.length, 2_000);
});

test('the routes: Go paths, pprof files, bad seconds refused as problems', async (t) => {
  const server = createHttpServer({ logger: captureLogs().logger });
  registerPprofRoutes(server, profiler);
  const base = await listen(server);
  t.after(() => server.close());

  const heap = await fetch(`${base}/debug/pprof/heap`);
  assert.equal(heap.status, 200);
  assert.equal(heap.headers.get('content-type'), 'application/octet-stream');
  assert.match(heap.headers.get('content-disposition') ?? '', /heap\.pb\.gz/);
  pprofStrings(Buffer.from(await heap.arrayBuffer()));

  const cpu = await fetch(`${base}/debug/pprof/profile?seconds=1`);
  assert.equal(cpu.status, 200);
  assert.match(pprofStrings(Buffer.from(await cpu.arrayBuffer())), /wall/);

  for (const seconds of ['0', '61', 'abc', '1.5', '-1', '']) {
    const refused = await fetch(`${base}/debug/pprof/profile?seconds=${seconds}`);
    assert.equal(refused.status, 400, `seconds=${seconds}`);
    assert.equal(((await refused.json()) as { code?: unknown }).code, 'invalid_request');
  }
});

test('two profilers in one process share the heap sampling and the one CPU profiler', async () => {
  const second = createProfiler();
  const running = profiler.cpu(1, new AbortController().signal);
  await assert.rejects(second.cpu(1, new AbortController().signal), { code: 'profile_in_progress' });
  second.stop();
  second.stop();
  assert.match(pprofStrings(await profiler.heap()), /space/, 'the first still samples the heap');
  assert.match(pprofStrings(await running), /wall/);
});

test.after(() => profiler.stop());
