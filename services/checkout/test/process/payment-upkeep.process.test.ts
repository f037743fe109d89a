import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type PspSim, startPspSim } from '@keelson/psp-sim';
import { type OwnedTestDatabase, serverBackend } from '../support/databases.ts';
import {
  assertSettledOnce,
  leavePaymentPending,
  paymentIntentsOf,
  refundAtProvider,
  type Shop,
} from '../support/pending-payments.ts';
import {
  type CommandResult,
  childEnv,
  runCli,
  type ServiceProcess,
  type ServiceSettings,
  serviceEnv,
  singleJsonObject,
  startServiceProcess,
  tempDir,
} from '../support/service-process.ts';

// `keelson payments reconcile` and `keelson ledger verify` as an operator runs them, against a
// running server: a payment left pending (the provider hung past the client's deadline) is
// settled once, the ledger then agrees with the provider, and a refund made at the provider
// behind Keelson's back makes `ledger verify` exit 1 naming the payment. Embedded (through the
// server's admin API, and on the data directory itself once the server stopped) and PostgreSQL
// (the CLI opens the database itself).

function exited(result: CommandResult, code: number): Record<string, unknown> {
  assert.equal(result.code, code, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return singleJsonObject(result);
}

/** A tenant with a read+write key, made through the CLI. */
async function shopOf(server: ServiceProcess): Promise<Shop> {
  const tenant = exited(await runCli(['tenants', 'create', '--name', 'Upkeep', '--json'], server.env), 0);
  const key = exited(
    await runCli(['keys', 'create', '--tenant', String(tenant.id), '--scopes', 'read,write', '--json'], server.env),
    0,
  );
  return { apiUrl: server.apiUrl, token: String(key.token) };
}

async function started(settings: ServiceSettings, extra: Record<string, string>): Promise<ServiceProcess> {
  const service = await serviceEnv(settings);
  // No periodic run: the test decides when reconcile happens.
  return startServiceProcess({ ...service, env: { ...service.env, KEELSON_RECONCILE_INTERVAL_MS: '0', ...extra } });
}

/** The in-process simulator's URL, from the server's "payment provider ready" log line. */
async function inProcessSimUrl(server: ServiceProcess): Promise<string> {
  // Log lines are written in batches (up to 100 ms late): wait for it rather than race it.
  await server.waitForStdout(/"msg":"payment provider ready"/, 10_000);
  const ready = server.logLines().find((line) => line.msg === 'payment provider ready');
  const match = /simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(ready?.provider));
  return match?.[1] ?? assert.fail(`no in-process simulator in the logs\n${server.describe()}`);
}

/** reconcile → settled once → verify agrees → refund at the provider → verify exits 1. Returns the payment. */
async function reconcileThenVerify(server: ServiceProcess, simUrl: string, via: RegExp): Promise<string> {
  const env = server.env;
  const shop = await shopOf(server);
  const pending = await leavePaymentPending(shop, simUrl);

  const reconciled = exited(await runCli(['payments', 'reconcile', '--min-age-ms', '0', '--json'], env), 0);
  assert.deepEqual(reconciled, {
    object: 'reconcile_report',
    payments: { pending: 1, settled: 1, failed: 0 },
    refunds: { pending: 0, settled: 0, failed: 0 },
  });
  const intentId = await assertSettledOnce(shop, simUrl, pending);
  const again = await runCli(['payments', 'reconcile', '--min-age-ms', '0'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^Payments: 0 pending, 0 settled, 0 still unresolved\nRefunds: 0 pending/);
  assert.match(again.stdout, via);

  const agrees = exited(await runCli(['ledger', 'verify', '--json'], env), 0);
  assert.deepEqual(
    [agrees.object, agrees.ok, agrees.checked_payments, agrees.discrepancies],
    ['ledger_report', true, 1, []],
  );

  await refundAtProvider(simUrl, intentId, 300);
  const disagrees = exited(await runCli(['ledger', 'verify', '--json'], env), 1);
  assert.equal(disagrees.object, 'ledger_report', 'the report, not the error format');
  assert.equal(disagrees.ok, false);
  assert.deepEqual(
    (disagrees.discrepancies as Record<string, unknown>[]).map((d) => [d.kind, d.payment_id, d.ours, d.theirs]),
    [['refund_mismatch', pending.paymentId, 0, 300]],
  );
  const human = await runCli(['ledger', 'verify'], env);
  assert.equal(human.code, 1, human.stdout);
  assert.equal(human.stderr, '');
  assert.match(
    human.stdout,
    /^Ledger disagrees: 1 discrepancies over 1 payments checked\.\nEUR: debits 1500, credits 1500\n/,
  );
  assert.match(
    human.stdout,
    new RegExp(`\nrefund_mismatch +${pending.paymentId} +EUR +0 +300 +refunded 0, provider refunded 300\n`),
  );
  assert.match(human.stdout, via);
  assert.equal((await paymentIntentsOf(simUrl, pending.paymentId)).length, 1, 'still one charge');
  return pending.paymentId;
}

const inOrder = { concurrency: 1 };

describe('keelson payments reconcile and ledger verify', { concurrency: true }, () => {
  const dir = tempDir();
  const servers: ServiceProcess[] = [];
  // One simulator per situation: faults are global to a simulator, and the situations run side by side.
  const sims: PspSim[] = [];
  const newSim = async (): Promise<string> => {
    const sim = await startPspSim();
    sims.push(sim);
    return sim.url;
  };
  after(async () => {
    for (const server of servers) await server.kill();
    for (const sim of sims) await sim.close();
    dir.remove();
  });

  describe('embedded, while the server runs (through its admin API)', inOrder, () => {
    it('settles, verifies, and exits 1 on a refund made at the provider', { timeout: 90_000 }, async () => {
      const simUrl = await newSim();
      const server = await started({ dataDir: join(dir.path, 'admin-api') }, { KEELSON_PSP_URL: simUrl });
      servers.push(server);
      await reconcileThenVerify(server, simUrl, /\(via the running server's admin API at http:\/\/\S+\)\n$/);
    });
  });

  describe('embedded with the in-process simulator, then on the data directory itself', inOrder, () => {
    it('verifies against the ledger the server’s simulator kept, after the server stopped', {
      timeout: 120_000,
    }, async () => {
      const dataDir = join(dir.path, 'in-process');
      const server = await started({ dataDir }, {});
      servers.push(server);
      const paymentId = await reconcileThenVerify(
        server,
        await inProcessSimUrl(server),
        /\(via the running server's admin API/,
      );
      assert.deepEqual(await server.stop(), { code: 0, signal: null }, server.describe());

      // The CLI now opens PGlite and the simulator's journal under the same data directory.
      const local = await runCli(['ledger', 'verify', '--json'], server.env, { timeoutMs: 90_000 });
      const report = exited(local, 1);
      assert.deepEqual(
        (report.discrepancies as Record<string, unknown>[]).map((d) => [d.kind, d.payment_id, d.ours, d.theirs]),
        [['refund_mismatch', paymentId, 0, 300]],
      );
      const human = await runCli(['ledger', 'verify'], server.env, { timeoutMs: 90_000 });
      assert.equal(human.code, 1);
      assert.ok(human.stdout.endsWith(`(via embedded PGlite in ${join(dataDir, 'pgdata')})\n`), human.stdout);
    });
  });

  const backend = serverBackend();
  describe('on real PostgreSQL (the CLI opens the database itself)', {
    ...inOrder,
    skip: backend === undefined ? 'KEELSON_TEST_DATABASE_URL is not set' : false,
  }, () => {
    let database: OwnedTestDatabase | undefined;
    after(() => database?.dispose());

    it('settles, verifies, and exits 1 on a refund made at the provider', { timeout: 90_000 }, async () => {
      database = await backend?.create();
      const settings = { dataDir: join(dir.path, 'postgres'), databaseUrl: database?.url };
      const simUrl = await newSim();
      const server = await started(settings, { KEELSON_PSP_URL: simUrl });
      servers.push(server);
      await reconcileThenVerify(server, simUrl, /\(via PostgreSQL at \S+\)\n$/);

      // Without KEELSON_PSP_URL the provider would be a second simulator beside the server's.
      const withoutProvider = Object.fromEntries(Object.entries(server.env).filter(([k]) => k !== 'KEELSON_PSP_URL'));
      const refused = exited(await runCli(['ledger', 'verify', '--json'], withoutProvider), 1);
      assert.equal(refused.object, 'error');
      assert.match(String(refused.message), /KEELSON_PSP_URL/);
    });
  });

  describe('usage', () => {
    it('refuses reconcile options out of range before opening anything', async () => {
      for (const args of [
        ['--limit', '0'],
        ['--limit', '1001'],
        ['--min-age-ms', '-5'],
        ['--min-age-ms', 'soon'],
      ]) {
        const refused = exited(await runCli(['payments', 'reconcile', ...args, '--json'], childEnv({})), 2);
        assert.equal(refused.code, 'usage', args.join(' '));
      }
    });

    it('lists both commands in the usage text', async () => {
      const help = await runCli(['help'], childEnv({}));
      assert.match(help.stdout, /payments reconcile \[--min-age-ms N\] \[--limit N\]/);
      assert.match(help.stdout, /ledger verify/);
    });
  });
});
