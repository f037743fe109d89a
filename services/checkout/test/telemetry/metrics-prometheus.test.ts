// The OpenMetrics exposition as Prometheus itself reads it (promtool only parses the text format):
// a real Prometheus server (Debian's `prometheus` package, beside promtool) scrapes the admin port
// with exemplar storage on, the target stays healthy, and the exemplar of a traced request is
// queryable by its trace id. Skipped without /usr/bin/prometheus (or KEELSON_TEST_PROMETHEUS),
// unless KEELSON_TEST_REQUIRE_SERVICES=1.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { orderToPay } from '../api/payment-fixtures.ts';
import { backends } from '../support/databases.ts';
import { startOtlpReceiver } from '../support/otlp-receiver.ts';
import { useTestService } from '../support/service.ts';
import { freePort } from '../support/service-process.ts';

const prometheus = process.env.KEELSON_TEST_PROMETHEUS || '/usr/bin/prometheus';
const skip =
  process.env.KEELSON_TEST_REQUIRE_SERVICES !== '1' && !existsSync(prometheus)
    ? `no Prometheus server: ${prometheus} is missing (apt-get install prometheus)`
    : false;

async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const until = Date.now() + 60_000;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const embedded = backends().filter((b) => b.name === 'pglite');

for (const backend of embedded) {
  describe(`a Prometheus server scraping OpenMetrics on ${backend.name}`, { skip }, async () => {
    const receiver = await startOtlpReceiver();
    after(() => receiver.close());
    const service = useTestService(backend, { KEELSON_OTLP_ENDPOINT: receiver.url });

    it('stores the trace-id exemplar of a traced request', { timeout: 120_000 }, async () => {
      const { api } = await service().newTenant();
      const order = await orderToPay(api);
      const traceId = randomBytes(16).toString('hex');
      const read = await api.GET('/v1/orders/{id}', {
        params: { path: { id: order.id } },
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      assert.equal(read.response.status, 200);

      const dir = mkdtempSync(join(tmpdir(), 'keelson-prometheus-'));
      const port = await freePort();
      const target = new URL(service().adminUrl).host;
      writeFileSync(
        join(dir, 'prometheus.yml'),
        `global: { scrape_interval: 1s, scrape_timeout: 1s }\nscrape_configs:\n  - job_name: keelson\n    static_configs: [{ targets: ['${target}'] }]\n`,
      );
      const server = spawn(
        prometheus,
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--enable-feature=exemplar-storage',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let log = '';
      server.stderr.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
      const exited = new Promise((resolve) => server.once('close', resolve));
      after(async () => {
        if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      });
      const base = `http://127.0.0.1:${port}/api/v1`;

      const targets = await eventually(
        'a scrape of the admin port',
        async () =>
          (await (await fetch(`${base}/targets`)).json()) as {
            data: { activeTargets: { health: string; lastError: string }[] };
          },
        (body) => body.data.activeTargets.some((t) => t.health !== 'unknown'),
      );
      assert.deepEqual(
        targets.data.activeTargets.map((t) => [t.health, t.lastError]),
        [['up', '']],
        `the scrape parses:\n${log.slice(-2_000)}`,
      );
      const now = Date.now() / 1000;
      const query = new URLSearchParams({
        query: 'http_request_duration_seconds_bucket{route="/v1/orders/:id"}',
        start: String(now - 600),
        end: String(now + 600),
      });
      await eventually(
        'the exemplar in Prometheus',
        async () => (await fetch(`${base}/query_exemplars?${query}`)).text(),
        (body) => body.includes(`"trace_id":"${traceId}"`),
      );
    });
  });
}
