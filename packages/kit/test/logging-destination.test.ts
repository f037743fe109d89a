import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogDestination } from '../src/logging/index.ts';

function tempFile(t: { after(fn: () => void): void }): { path: string; fd: number } {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-log-destination-'));
  const path = join(dir, 'out.log');
  const fd = openSync(path, 'w');
  t.after(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
  return { path, fd };
}

const flushed = (destination: ReturnType<typeof createLogDestination>) =>
  new Promise<void>((resolve) => destination.flush(resolve, 2_000));

test('lines are batched, written whole and in order once a batch is full, and flush writes the rest', async (t) => {
  const { path, fd } = tempFile(t);
  const destination = createLogDestination({ fd, batchBytes: 100, flushIntervalMs: 60_000 });
  const lines = Array.from({ length: 25 }, (_, i) => `{"n":${i},"msg":"line ${i}"}\n`);
  for (const line of lines.slice(0, 3)) destination.write(line);
  await sleep(20);
  assert.equal(readFileSync(path, 'utf8'), '', 'under a batch: nothing written yet');
  for (const line of lines.slice(3)) destination.write(line);
  await sleep(20);
  const written = readFileSync(path, 'utf8');
  assert.ok(written.length >= 100 && lines.join('').startsWith(written), 'full batches written, whole lines');
  await flushed(destination);
  assert.equal(readFileSync(path, 'utf8'), lines.join(''));
  assert.deepEqual(destination.stats(), { dropped: 0, failed: 0 });
});

test('a batch that never fills is written after flushIntervalMs', async (t) => {
  const { path, fd } = tempFile(t);
  const destination = createLogDestination({ fd, batchBytes: 8 * 1024, flushIntervalMs: 20 });
  destination.write('{"msg":"alone"}\n');
  await sleep(150);
  assert.equal(readFileSync(path, 'utf8'), '{"msg":"alone"}\n');
});
