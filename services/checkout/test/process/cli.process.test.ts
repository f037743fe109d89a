import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type OwnedTestDatabase, serverBackend } from '../support/databases.ts';
import {
  type CommandResult,
  childEnv,
  fetchStatus,
  repoRoot,
  runCli,
  runCommand,
  type ServiceProcess,
  serviceEnv,
  singleJsonObject,
  startServiceProcess,
  succeeded,
  tempDir,
} from '../support/service-process.ts';

// The `keelson` CLI as users run it, in its three situations: an embedded data directory no
// server holds (the CLI opens PGlite itself), one a running server holds (the CLI goes through
// its admin API), and a PostgreSQL server. With --json every command prints exactly one JSON
// object on stdout: the result with exit 0, or `{ object: 'error', code, message }` with exit
// 1 (2 for usage errors).

function failed(result: CommandResult, exitCode: number): Record<string, unknown> {
  assert.equal(result.code, exitCode, `exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  const out = singleJsonObject(result);
  assert.equal(out.object, 'error');
  assert.equal(typeof out.code, 'string');
  assert.equal(typeof out.message, 'string');
  return out;
}

async function createTenant(env: Record<string, string>, name: string): Promise<string> {
  const tenant = succeeded(await runCli(['tenants', 'create', '--name', name, '--json'], env));
  assert.equal(tenant.object, 'tenant');
  assert.equal(tenant.name, name);
  assert.match(String(tenant.id), /^ten_/);
  return String(tenant.id);
}

/** A read-only key for the tenant; returns its id. */
async function createKey(env: Record<string, string>, tenantId: string): Promise<string> {
  const key = succeeded(await runCli(['keys', 'create', '--tenant', tenantId, '--scopes', 'read', '--json'], env));
  assert.equal(key.object, 'api_key');
  assert.equal(key.tenant_id, tenantId);
  assert.deepEqual(key.scopes, ['read']);
  assert.match(String(key.token), /^key_[0-9A-Z]+\.[\w-]+$/);
  assert.ok(String(key.token).startsWith(`${String(key.id)}.`), 'the token starts with the key id');
  return String(key.id);
}

/** tenants create → keys create (read), checking each JSON shape; returns the key's id. */
async function tenantAndKey(env: Record<string, string>, name: string): Promise<string> {
  return createKey(env, await createTenant(env, name));
}

async function revokeKey(env: Record<string, string>, keyId: string): Promise<void> {
  const revoked = succeeded(await runCli(['keys', 'revoke', keyId, '--json'], env));
  assert.equal(revoked.object, 'api_key');
  assert.equal(revoked.id, keyId);
  assert.ok(!Number.isNaN(Date.parse(String(revoked.revoked_at))), 'revoked_at is a timestamp');
}

/** A fresh tenant and key show up in `tenants list` and `keys list`, as JSON and as a table. */
async function listsShowTenantAndKey(env: Record<string, string>, name: string): Promise<void> {
  const tenantId = await createTenant(env, name);
  const keyId = await createKey(env, tenantId);
  const tenants = succeeded(await runCli(['tenants', 'list', '--name', name, '--json'], env));
  assert.equal(tenants.object, 'list');
  assert.ok(Array.isArray(tenants.data) && tenants.data.some((t: { id?: unknown }) => t.id === tenantId));
  const keys = succeeded(await runCli(['keys', 'list', '--tenant', tenantId, '--json'], env));
  assert.deepEqual(
    (keys.data as Record<string, unknown>[]).map((k) => [k.id, k.tenant_id, k.scopes, k.revoked_at]),
    [[keyId, tenantId, ['read'], null]],
  );
  assert.ok(!JSON.stringify(keys).includes('token') && !JSON.stringify(keys).includes('secret'));
  const human = await runCli(['keys', 'list', '--tenant', tenantId], env);
  assert.equal(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    new RegExp(`^ID +TENANT +SCOPES +CREATED +REVOKED\n${keyId} +${tenantId} +read +\\S+ +-\n`),
  );
}

async function migrationStatus(env: Record<string, string>): Promise<Record<string, unknown>> {
  const status = succeeded(await runCli(['migrate', 'status', '--json'], env));
  assert.equal(status.object, 'migration_status');
  assert.equal(typeof status.current, 'number');
  assert.equal(typeof status.latest, 'number');
  assert.ok(Array.isArray(status.pending));
  return status;
}

// The three situations run side by side (each CLI call is its own process; opening PGlite
// costs seconds); the steps inside each run in order.
const inOrder = { concurrency: 1 };

describe('keelson CLI', { concurrency: true }, () => {
  const dir = tempDir();
  after(() => dir.remove());

  describe('on one embedded data directory', inOrder, () => {
    describe('while no server holds it (opens PGlite itself)', inOrder, () => {
      const dataDir = join(dir.path, 'embedded');
      let env: Record<string, string> = {};
      before(async () => {
        env = (await serviceEnv({ dataDir })).env;
      });

      // Every call opens PGlite itself (seconds each), hence one step per test and the
      // human-output check doubling as the revoke.
      let tenantId = '';
      let keyId = '';
      it('tenants create on a fresh directory creates and migrates the database', { timeout: 60_000 }, async () => {
        tenantId = await createTenant(env, 'Stopped');
      });

      it('keys create', { timeout: 45_000 }, async () => {
        keyId = await createKey(env, tenantId);
      });

      it('keys revoke says it went through embedded PGlite', { timeout: 45_000 }, async () => {
        const human = await runCli(['keys', 'revoke', keyId], env);
        assert.equal(human.code, 0, human.stderr);
        assert.match(human.stdout, /^Revoked API key key_\S+ at \S+\n\(via embedded PGlite in .+\)\n$/);
        assert.ok(human.stdout.includes(`(via embedded PGlite in ${join(dataDir, 'pgdata')})`), human.stdout);
      });

      it('migrate status', { timeout: 45_000 }, async () => {
        const status = await migrationStatus(env);
        assert.equal(status.current, status.latest);
        assert.deepEqual(status.pending, []);
        assert.equal(status.via, `embedded PGlite in ${join(dataDir, 'pgdata')}`);
      });
    });

    describe('while a server holds it (goes through its admin API)', inOrder, () => {
      const dataDir = join(dir.path, 'embedded');
      let server: ServiceProcess | undefined;
      let env: Record<string, string> = {};
      before(async () => {
        const settings = await serviceEnv({ dataDir });
        env = settings.env;
        server = await startServiceProcess(settings);
      });
      after(() => server?.kill());

      it('manages tenants and keys through the admin API', { timeout: 30_000 }, async () => {
        await revokeKey(env, await tenantAndKey(env, 'Running'));
        const status = await migrationStatus(env);
        assert.equal(status.current, status.latest);
        assert.match(String(status.via), /^the running server's admin API at http:\/\/127\.0\.0\.1:\d+$/);

        const human = await runCli(['tenants', 'create', '--name', 'Human'], env);
        assert.equal(human.code, 0, human.stderr);
        assert.match(
          human.stdout,
          /^Created tenant ten_\S+ \(Human\)\n\(via the running server's admin API at \S+\)\n$/,
        );
        const twin = await runCli(['tenants', 'create', '--name', 'Human'], env);
        assert.match(
          twin.stdout,
          /^Created tenant ten_\S+ \(Human\)\nNote: another tenant is also named Human; use the id\.\n/,
        );
      });

      it('a key created through the admin API works until revoked', { timeout: 30_000 }, async () => {
        const apiUrl = server?.apiUrl ?? assert.fail('no server');
        const tenant = succeeded(await runCli(['tenants', 'create', '--name', 'Keyed', '--json'], env));
        const key = succeeded(
          await runCli(['keys', 'create', '--tenant', String(tenant.id), '--scopes', 'read', '--json'], env),
        );
        const products = () => fetchStatus(`${apiUrl}/v1/products`, { authorization: `Bearer ${String(key.token)}` });
        assert.equal(await products(), 200);
        succeeded(await runCli(['keys', 'revoke', String(key.id), '--json'], env));
        assert.equal(await products(), 401);
      });

      it('lists tenants and keys through the admin API, never a secret', { timeout: 30_000 }, async () => {
        await listsShowTenantAndKey(env, 'Listed');
      });

      it('refuses to migrate the database the server holds', { timeout: 30_000 }, async () => {
        const refused = failed(await runCli(['migrate', 'down', '--json'], env), 1);
        assert.match(String(refused.message), /holds the embedded database; stop it before 'migrate down'/);
      });

      it('keeps the problem code of a failure answered by the admin API', {
        timeout: 30_000,
      }, async () => {
        const missing = failed(await runCli(['keys', 'revoke', 'key_missing', '--json'], env), 1);
        assert.equal(missing.code, 'api_key_not_found');
      });
    });
  });

  const backend = serverBackend();
  describe('on real PostgreSQL (opens the database itself)', {
    ...inOrder,
    skip: backend === undefined ? 'KEELSON_TEST_DATABASE_URL is not set' : false,
  }, () => {
    let database: OwnedTestDatabase | undefined;
    let env: Record<string, string> = {};
    before(async () => {
      database = await backend?.create();
      env = (await serviceEnv({ dataDir: join(dir.path, 'postgres'), databaseUrl: database?.url })).env;
    });
    after(() => database?.dispose());

    it('manages tenants and keys', { timeout: 30_000 }, async () => {
      await revokeKey(env, await tenantAndKey(env, 'Postgres'));
      const url = new URL(database?.url ?? assert.fail('no database'));
      const human = await runCli(['tenants', 'create', '--name', 'Human'], env);
      assert.equal(human.code, 0, human.stderr);
      assert.ok(
        human.stdout.endsWith(`(via PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname})\n`),
        human.stdout,
      );
      // The same failure code as through the admin API.
      const missing = failed(await runCli(['keys', 'revoke', 'key_missing', '--json'], env), 1);
      assert.equal(missing.code, 'api_key_not_found');
    });

    it('lists tenants and keys from the database, never a secret', { timeout: 30_000 }, async () => {
      await listsShowTenantAndKey(env, 'Listed');
    });

    it('migrates down, reports the pending migration, migrates up again', { timeout: 30_000 }, async () => {
      const before = await migrationStatus(env);
      assert.equal(before.current, before.latest);
      assert.deepEqual(before.pending, []);
      const latest = Number(before.latest);

      const guarded = failed(await runCli(['migrate', 'down', '--json'], env), 1);
      assert.match(String(guarded.message), /re-run with --yes/);
      assert.equal((await migrationStatus(env)).current, latest, 'nothing was reverted without --yes');

      const down = succeeded(await runCli(['migrate', 'down', '--yes', '--json'], env));
      assert.deepEqual(
        { object: down.object, action: down.action, reverted: down.reverted },
        { object: 'migration_result', action: 'down', reverted: latest },
      );
      const lowered = await migrationStatus(env);
      // The one before the latest: numbers may have gaps (each branch is given its own number).
      assert.ok(Number(lowered.current) < latest, `current ${lowered.current} is below ${latest}`);
      assert.ok(Array.isArray(lowered.pending));
      assert.equal(lowered.pending.length, 1);

      const up = succeeded(await runCli(['migrate', 'up', '--json'], env));
      assert.deepEqual(
        { object: up.object, action: up.action, applied: up.applied },
        { object: 'migration_result', action: 'up', applied: [latest] },
      );
      const restored = await migrationStatus(env);
      assert.equal(restored.current, latest);
      assert.deepEqual(restored.pending, []);

      const again = succeeded(await runCli(['migrate', 'up', '--json'], env));
      assert.deepEqual(again.applied, []);
    });
  });

  describe('configuration and usage', inOrder, () => {
    const env = (extra: Record<string, string>) => childEnv({ KEELSON_DATA_DIR: join(dir.path, 'unused'), ...extra });

    it('config print --json redacts secrets', async () => {
      const secretUrl = 'postgres://keelson:hunter2-secret@db.example:5432/checkout';
      const adminToken = 'admin-token-that-is-long-enough-0123456789';
      const result = await runCli(
        ['config', 'print', '--json'],
        env({ KEELSON_DATABASE_URL: secretUrl, KEELSON_ADMIN_TOKEN: adminToken, KEELSON_HTTP_PORT: '8181' }),
      );
      const printed = succeeded(result);
      assert.equal(printed.KEELSON_DATABASE_URL, '[redacted]');
      assert.equal(printed.KEELSON_ADMIN_TOKEN, '[redacted]');
      assert.equal(printed.KEELSON_HTTP_PORT, 8181);
      assert.ok(!result.stdout.includes('hunter2') && !result.stdout.includes(adminToken));
    });

    it('config print shows unset settings as unset, never as a value', async () => {
      const human = await runCli(['config', 'print'], env({}));
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^KEELSON_DATABASE_URL=\(unset\)$/m);
      assert.ok(!human.stdout.includes('undefined'), human.stdout);
      assert.equal(succeeded(await runCli(['config', 'print', '--json'], env({}))).KEELSON_DATABASE_URL, null);
    });

    it('keelson help prints the usage, with every command', async () => {
      const result = await runCli(['help'], env({}));
      assert.equal(result.code, 0, result.stderr);
      for (const command of ['serve [--role api|worker|all]', 'tenants list', 'keys list', 'keys revoke', 'help']) {
        assert.ok(result.stdout.includes(command), `${command} in\n${result.stdout}`);
      }
    });

    it('reports every configuration problem at once and exits 1', async () => {
      const bad = env({ KEELSON_HTTP_PORT: 'abc', KEELSON_TYPO: '1' });
      const json = failed(await runCli(['config', 'print', '--json'], bad), 1);
      assert.equal(json.code, 'invalid_config');
      assert.match(String(json.message), /KEELSON_HTTP_PORT/);
      assert.match(String(json.message), /KEELSON_TYPO: unknown variable/);

      const human = await runCli(['tenants', 'create', '--name', 'X'], bad);
      assert.equal(human.code, 1);
      assert.equal(human.stdout, '');
      assert.match(human.stderr, /KEELSON_HTTP_PORT/);
      assert.match(human.stderr, /KEELSON_TYPO/);
    });

    it('an unknown command is a usage error: exit 2', async () => {
      const json = failed(await runCli(['frobnicate', '--json'], env({})), 2);
      assert.equal(json.code, 'usage');
      assert.match(String(json.message), /frobnicate/);
      const human = await runCli(['frobnicate'], env({}));
      assert.equal(human.code, 2);
      assert.match(human.stderr, /unknown command 'frobnicate'[\s\S]*Usage: keelson/);
    });

    it('an unknown option is a usage error too', async () => {
      const json = failed(await runCli(['tenants', 'create', '--nme', 'X', '--json'], env({})), 2);
      assert.equal(json.code, 'usage');
    });

    it('npx keelson --help works from the repository root', { timeout: 30_000 }, async () => {
      const result = await runCommand('npx', ['--no-install', 'keelson', '--help'], {
        env: childEnv({}),
        cwd: repoRoot,
      });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /^Usage: keelson <command> \[--json\]/);
      assert.match(result.stdout, /keys create --tenant ID/);
    });
  });
});
