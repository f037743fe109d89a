import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, type ConfigOf, configField, loadConfig, redactedConfig } from '../src/config/index.ts';

const spec = {
  httpPort: configField({
    env: 'KEELSON_HTTP_PORT',
    schema: z.coerce.number().int().min(0).max(65535),
    default: 8080,
    doc: 'Public API port',
  }),
  databaseUrl: configField({
    env: 'KEELSON_DATABASE_URL',
    schema: z.string().url(),
    optional: true,
    secret: true,
    doc: 'PostgreSQL connection URL',
  }),
  logLevel: configField({
    env: 'KEELSON_LOG_LEVEL',
    schema: z.enum(['debug', 'info', 'warn', 'error']),
    default: 'info',
    doc: 'Minimum log level',
  }),
  region: configField({ env: 'KEELSON_REGION', schema: z.string().min(2), doc: 'Deployment region' }),
} as const;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const configType: Equal<
  ConfigOf<typeof spec>,
  {
    readonly httpPort: number;
    readonly databaseUrl: string | undefined;
    readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
    readonly region: string;
  }
> = true;

const dir = mkdtempSync(join(tmpdir(), 'keelson-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function tempFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Runs `work`, asserts it throws a ConfigError, and returns its problems. */
function problemsOf(work: () => unknown): readonly string[] {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('types the result from the spec', () => {
    assert.equal(configType, true);
  });

  it('applies defaults and leaves optional fields undefined', () => {
    const config = loadConfig(spec, { env: { KEELSON_REGION: 'eu' } });
    assert.deepEqual(config, { httpPort: 8080, databaseUrl: undefined, logLevel: 'info', region: 'eu' });
  });

  it('coerces env strings through the schema', () => {
    const config = loadConfig(spec, {
      env: { KEELSON_REGION: 'eu', KEELSON_HTTP_PORT: '9090', KEELSON_LOG_LEVEL: 'warn' },
    });
    assert.equal(config.httpPort, 9090);
    assert.equal(config.logLevel, 'warn');
  });

  it('treats empty strings as unset', () => {
    const config = loadConfig(spec, { env: { KEELSON_REGION: 'eu', KEELSON_HTTP_PORT: '', KEELSON_DATABASE_URL: '' } });
    assert.equal(config.httpPort, 8080);
    assert.equal(config.databaseUrl, undefined);
  });

  it('reports every problem at once, each naming its variable', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, {
        env: {
          KEELSON_HTTP_PORT: 'abc',
          KEELSON_LOG_LEVEL: 'loud',
          KEELSON_DATABASE_URL: 'not a url',
          KEELSON_HTPP_PORT: '1',
        },
      }),
    );
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.ok(problems.includes("KEELSON_HTTP_PORT: expected number, got 'abc'"), problems.join('\n'));
    for (const name of ['KEELSON_LOG_LEVEL', 'KEELSON_DATABASE_URL', 'KEELSON_REGION', 'KEELSON_HTPP_PORT']) {
      assert.ok(
        problems.some((p) => p.startsWith(`${name}: `)),
        `${name} missing from:\n${problems.join('\n')}`,
      );
    }
    assert.ok(problems.some((p) => p.startsWith('KEELSON_LOG_LEVEL: invalid option') && p.endsWith(", got 'loud'")));
  });

  it('lists the problems in the error message', () => {
    assert.throws(
      () => loadConfig(spec, { env: { KEELSON_HTTP_PORT: '70000' } }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith('Invalid configuration (2 problems):') &&
        error.message.includes("  - KEELSON_HTTP_PORT: too big: expected number to be <=65535, got '70000'") &&
        error.message.includes('  - KEELSON_REGION: required but not set (Deployment region)'),
    );
  });

  it('never echoes a secret value in a problem', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, { env: { KEELSON_REGION: 'eu', KEELSON_DATABASE_URL: 'hunter2' } }),
    );
    assert.deepEqual(problems, ['KEELSON_DATABASE_URL: invalid URL, got [redacted]']);
  });

  describe('<ENV>_FILE secrets', () => {
    it('reads the value from the file, trimming the trailing newline', () => {
      const path = tempFile('db-url', 'postgres://app:s3cret@db:5432/app\n');
      const config = loadConfig(spec, { env: { KEELSON_REGION: 'eu', KEELSON_DATABASE_URL_FILE: path } });
      assert.equal(config.databaseUrl, 'postgres://app:s3cret@db:5432/app');
    });

    it('rejects setting both <ENV> and <ENV>_FILE', () => {
      const path = tempFile('db-url-both', 'postgres://db/app');
      const problems = problemsOf(() =>
        loadConfig(spec, {
          env: { KEELSON_REGION: 'eu', KEELSON_DATABASE_URL: 'postgres://db/x', KEELSON_DATABASE_URL_FILE: path },
        }),
      );
      assert.deepEqual(problems, [
        'KEELSON_DATABASE_URL: both KEELSON_DATABASE_URL and KEELSON_DATABASE_URL_FILE are set; set only one',
      ]);
    });

    it('reports an unreadable or empty file instead of falling back', () => {
      const empty = tempFile('empty-secret', '\n');
      const problems = problemsOf(() =>
        loadConfig(spec, {
          env: { KEELSON_DATABASE_URL_FILE: join(dir, 'missing'), KEELSON_REGION_FILE: empty },
        }),
      );
      assert.deepEqual(problems, [
        `KEELSON_DATABASE_URL_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
        `KEELSON_REGION_FILE: ${empty} is empty`,
      ]);
    });

    it('reports a path it cannot read as a file (works even as root, unlike chmod 000)', () => {
      const problems = problemsOf(() => loadConfig(spec, { env: { KEELSON_REGION_FILE: dir } }));
      assert.deepEqual(problems, [`KEELSON_REGION_FILE: cannot read ${dir} (EISDIR)`]);
    });
  });

  describe('JSON config file', () => {
    it('sits between env and defaults', () => {
      const file = tempFile(
        'precedence.json',
        JSON.stringify({ KEELSON_HTTP_PORT: 7000, KEELSON_LOG_LEVEL: 'debug', KEELSON_REGION: 'us' }),
      );
      const config = loadConfig(spec, { env: { KEELSON_LOG_LEVEL: 'error' }, file });
      assert.equal(config.httpPort, 7000, 'file beats default');
      assert.equal(config.logLevel, 'error', 'env beats file');
      assert.equal(config.region, 'us');
    });

    it('names the file when one of its values is bad, and rejects unknown keys', () => {
      const file = tempFile(
        'bad.json',
        JSON.stringify({ KEELSON_HTTP_PORT: 'x', KEELSON_REGOIN: 'eu', KEELSON_REGION: null }),
      );
      const problems = problemsOf(() => loadConfig(spec, { env: {}, file }));
      assert.deepEqual(problems, [
        `KEELSON_REGOIN: unknown key in config file ${file}`,
        `KEELSON_HTTP_PORT: expected number, got 'x' (from ${file})`,
        'KEELSON_REGION: required but not set (Deployment region)',
      ]);
    });

    it('hands an object or array value to the schema as its JSON text', () => {
      const file = tempFile('object.json', JSON.stringify({ KEELSON_REGION: { eu: [1, 2] } }));
      assert.equal(loadConfig(spec, { env: {}, file }).region, '{"eu":[1,2]}');
    });

    it('reports a missing or malformed file alongside env problems', () => {
      const malformed = tempFile('malformed.json', '{ nope');
      assert.match(
        problemsOf(() => loadConfig(spec, { env: { KEELSON_REGION: 'eu' }, file: malformed }))[0] ?? '',
        /invalid JSON/,
      );
      const problems = problemsOf(() =>
        loadConfig(spec, { env: { KEELSON_HTTP_PORT: '-1' }, file: join(dir, 'nope.json') }),
      );
      assert.equal(problems.length, 3, problems.join('\n'));
      assert.match(problems[0] ?? '', /^config file .*nope\.json: cannot read \(ENOENT\)$/);
    });
  });

  describe('unknown variables', () => {
    it('reports KEELSON_* variables the spec does not know, suggesting the closest name', () => {
      const problems = problemsOf(() =>
        loadConfig(spec, {
          env: { KEELSON_REGION: 'eu', KEELSON_LOG_LEVLE: 'debug', KEELSON_WHATEVER: 'x', HOME: '/root' },
        }),
      );
      assert.deepEqual(problems, [
        'KEELSON_LOG_LEVLE: unknown variable (did you mean KEELSON_LOG_LEVEL?)',
        'KEELSON_WHATEVER: unknown variable',
      ]);
    });

    it('tolerates _FILE twins, KEELSON_TEST_* and the ignore list', () => {
      const path = tempFile('region', 'eu');
      const config = loadConfig(spec, {
        env: { KEELSON_REGION_FILE: path, KEELSON_TEST_DATABASE_URL: 'x', KEELSON_LEGACY: '1', KEELSON_OLD_A: '1' },
        ignoreUnknown: ['KEELSON_LEGACY', 'KEELSON_OLD_*'],
      });
      assert.equal(config.region, 'eu');
    });
  });

  it('returns a deep-frozen object', () => {
    const nested = {
      hosts: configField({
        env: 'KEELSON_HOSTS',
        schema: z.string().transform((s) => ({ list: s.split(',') })),
        doc: 'Comma-separated hosts',
      }),
    };
    const config = loadConfig(nested, { env: { KEELSON_HOSTS: 'a,b' } });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.hosts));
    assert.ok(Object.isFrozen(config.hosts.list));
    assert.throws(() => {
      // Safe: deliberately bypassing readonly to prove the runtime freeze.
      (config as { hosts: unknown }).hosts = null;
    }, TypeError);
  });

  it('rejects a spec that declares one variable twice', () => {
    const twice = {
      a: configField({ env: 'KEELSON_A', schema: z.string(), default: 'a', doc: 'a' }),
      b: configField({ env: 'KEELSON_A', schema: z.string(), default: 'b', doc: 'b' }),
    };
    assert.throws(() => loadConfig(twice, { env: {} }), /KEELSON_A is declared twice/);
  });
});

describe('redactedConfig', () => {
  it('keys values by variable name and hides set secrets', () => {
    const config = loadConfig(spec, { env: { KEELSON_REGION: 'eu', KEELSON_DATABASE_URL: 'postgres://u:p@db/app' } });
    assert.deepEqual(redactedConfig(spec, config), {
      KEELSON_HTTP_PORT: 8080,
      KEELSON_DATABASE_URL: '[redacted]',
      KEELSON_LOG_LEVEL: 'info',
      KEELSON_REGION: 'eu',
    });
  });

  it('shows an unset secret as undefined, so "not configured" stays visible', () => {
    const config = loadConfig(spec, { env: { KEELSON_REGION: 'eu' } });
    assert.equal(redactedConfig(spec, config).KEELSON_DATABASE_URL, undefined);
  });
});
