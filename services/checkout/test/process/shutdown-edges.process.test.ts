import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { backends, type OwnedTestDatabase } from '../support/databases.ts';
import {
  type Exit,
  fetchStatus,
  pollUntil,
  repoRoot,
  serviceEnv,
  startServiceProcess,
  tempDir,
} from '../support/service-process.ts';

// Shutdown edges of the real `keelson serve` process, in both modes:
// - kept-alive sockets that are idle when SIGTERM arrives: the next request on each is
//   answered 503 shutting_down with Connection: close, never reset;
// - a log reader that stopped reading (a full pipe) or went away (closed pipe): requests are
//   still answered and SIGTERM still ends the process, within its shutdown budget.

const mainTs = join(repoRoot, 'services', 'checkout', 'src', 'main.ts');
const sockets = 20;
const shutdownTimeoutMs = 3_000;

interface Answer {
  readonly status: number | undefined;
  readonly connection: string | undefined;
  readonly body: string;
}

function get(url: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      res.once('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

for (const backend of backends()) {
  describe(`keelson serve shutdown edges (${backend.name})`, () => {
    const dirs: ReturnType<typeof tempDir>[] = [];
    const databases: OwnedTestDatabase[] = [];
    const kills: (() => Promise<void>)[] = [];
    after(async () => {
      for (const kill of kills) await kill();
      for (const database of databases) await database.dispose();
      for (const dir of dirs) dir.remove();
    });

    async function settings() {
      const dir = tempDir();
      dirs.push(dir);
      const database = backend.name === 'postgres' ? await backend.create() : undefined;
      if (database !== undefined) databases.push(database);
      const env = await serviceEnv({ dataDir: dir.path, databaseUrl: database?.url });
      return { ...env, env: { ...env.env, KEELSON_SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) } };
    }

    it(`${sockets} idle kept-alive sockets: the next request on each gets 503 shutting_down`, async () => {
      const service = await startServiceProcess(await settings());
      kills.push(() => service.kill());
      const agent = new Agent({ keepAlive: true, maxSockets: sockets });
      try {
        const first = await Promise.all(Array.from({ length: sockets }, () => get(`${service.apiUrl}/livez`, agent)));
        assert.ok(first.every((a) => a.status === 200 && a.connection === 'keep-alive'));
        service.signal('SIGTERM');
        // Readiness off is the first step of the drain: from then on the sockets must stay usable.
        await pollUntil(
          Date.now() + 10_000,
          service,
          async () => (await fetchStatus(`${service.adminUrl}/readyz`)) !== 200,
          'draining',
        );
        const second = await Promise.all(Array.from({ length: sockets }, () => get(`${service.apiUrl}/livez`, agent)));
        for (const answer of second) {
          assert.deepEqual([answer.status, answer.connection], [503, 'close'], answer.body);
          assert.equal(JSON.parse(answer.body).code, 'shutting_down');
        }
        assert.deepEqual(await service.waitForExit(20_000), { code: 0, signal: null }, service.describe());
      } finally {
        agent.destroy();
      }
    });

    it('serve --role worker runs the jobs, serves the admin port only, and stops on SIGTERM', async () => {
      const env = await settings();
      // The API port is held by the test while the worker runs: no other test's server can take
      // it meanwhile (CI, 2026-12-07: a 404 from someone else's server on it), and a worker that
      // did try to listen there would fail to start. Connections to it are dropped at once.
      const holder = createServer((socket) => socket.destroy());
      holder.listen(Number(new URL(env.apiUrl).port), '127.0.0.1');
      await once(holder, 'listening');
      kills.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
      const service = await startServiceProcess(env, { serveArgs: ['--role', 'worker'] });
      kills.push(() => service.kill());
      assert.ok(!service.stdout.includes('API:'), service.stdout);
      assert.equal(await fetchStatus(`${service.apiUrl}/livez`), undefined, 'nothing listens on the API port');
      const metrics = await fetch(`${service.adminUrl}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /\njob_queue_depth\{queue="orders\.expire"\} \d+\n/);
      // Log lines are written in batches (up to 100 ms late): wait for this one rather than race it.
      await service.waitForStdout(/"msg":"jobs: worker started"/, 10_000);
      const started = service.logLines().find((l) => l.msg === 'jobs: worker started');
      assert.deepEqual(started?.queues, [
        'orders.expire',
        'idempotency.purge',
        'payments.reconcile',
        'events.replay',
        'outbox.prune',
      ]);
      assert.deepEqual(await service.stop(), { code: 0, signal: null }, service.describe());
      const closed = service
        .logLines()
        .filter((l) => l.msg === 'shutdown: closed')
        .map((l) => l.closer);
      assert.ok(closed.includes('jobs'), JSON.stringify(closed));
    });

    for (const reader of ['stopped reading', 'went away'] as const) {
      it(`a log reader that ${reader} neither blocks requests nor SIGTERM`, async () => {
        const { env, apiUrl, adminUrl } = await settings();
        // Our own pipes, never read (or closed at once): nothing drains them.
        const child = spawn(process.execPath, [mainTs, 'serve'], {
          env: { ...env, KEELSON_LOG_LEVEL: 'debug' },
          cwd: repoRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let exit: Exit | undefined;
        const exited = once(child, 'exit').then(([code, signal]) => {
          exit = { code, signal };
          return exit;
        });
        kills.push(async () => {
          if (exit === undefined) child.kill('SIGKILL');
          await exited;
        });
        if (reader === 'went away') {
          child.stdout.destroy();
          child.stderr.destroy();
        }
        const watched = {
          get exit() {
            return exit;
          },
          describe: () => `pid ${child.pid}, exit ${JSON.stringify(exit)}`,
        };
        await pollUntil(
          Date.now() + 60_000,
          watched,
          async () => (await fetchStatus(`${adminUrl}/readyz`)) === 200,
          'ready',
        );
        // ~300 bytes of access log a request: 2,000 requests are far more than a pipe holds (64 KiB).
        const agent = new Agent({ keepAlive: true, maxSockets: 8 });
        try {
          for (let batch = 0; batch < 250; batch++) {
            const answers = await Promise.all(Array.from({ length: 8 }, () => get(`${apiUrl}/livez`, agent)));
            assert.ok(
              answers.every((a) => a.status === 200),
              `batch ${batch}: ${JSON.stringify(answers[0])}`,
            );
          }
        } finally {
          agent.destroy();
        }
        const signalled = Date.now();
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const result = await exited;
        clearTimeout(timer);
        const tookMs = Date.now() - signalled;
        assert.notEqual(result.signal, 'SIGKILL', `still alive ${tookMs} ms after SIGTERM`);
        assert.ok(tookMs < shutdownTimeoutMs + 5_000 + 2_000, `exited ${tookMs} ms after SIGTERM`);
        console.log(`log reader ${reader}: exit ${JSON.stringify(result)} ${tookMs} ms after SIGTERM`);
      });
    }
  });
}
