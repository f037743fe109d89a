// The one test entry point (`npm test`): finds every suite, says which real backends are
// configured, and, when KEELSON_TEST_REQUIRE_SERVICES=1, refuses to run against missing
// ones, so CI can never go green by silently skipping its integration tests.
//
//   npm test                       all suites
//   npm test -- orders config      only files whose path contains "orders" or "config"
//   npm test -- --test-only        arguments starting with -- go to `node --test`
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { constants as osConstants } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const connectTimeoutMs = 3_000;

const backends = [
  { name: 'PostgreSQL', variable: 'KEELSON_TEST_DATABASE_URL', defaultPort: 5432 },
  { name: 'Redis', variable: 'KEELSON_TEST_REDIS_URL', defaultPort: 6379 },
  { name: 'NATS', variable: 'KEELSON_TEST_NATS_URL', defaultPort: 4222 },
  { name: 'RabbitMQ', variable: 'KEELSON_TEST_AMQP_URL', defaultPort: 5672 },
] as const;

const args = process.argv.slice(2);
const nodeFlags = args.filter((arg) => arg.startsWith('--'));
const filters = args.filter((arg) => !arg.startsWith('--'));
const requireServices = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';

function findTestFiles(): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'services']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      const testDir = join(groupDir, entry.name, 'test');
      if (!entry.isDirectory() || !existsSync(testDir)) continue;
      for (const file of readdirSync(testDir, { recursive: true, encoding: 'utf8' })) {
        if (file.endsWith('.test.ts') && !file.split(/[\\/]/).includes('node_modules')) {
          files.push(relative(root, join(testDir, file)));
        }
      }
    }
  }
  return files.sort();
}

/** Never print a password, even in CI logs. */
function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(not a valid URL)';
  }
}

type Target = { readonly host: string; readonly port: number } | { readonly path: string };

function targetOf(raw: string, defaultPort: number): Target {
  const url = new URL(raw);
  const port = url.port === '' ? defaultPort : Number(url.port);
  // libpq style `postgres:///db?host=/var/run/postgresql` means a Unix socket.
  const socketDir = url.searchParams.get('host');
  if (url.hostname === '' && socketDir?.startsWith('/')) return { path: `${socketDir}/.s.PGSQL.${port}` };
  return { host: url.hostname.replace(/^\[|\]$/g, '') || 'localhost', port };
}

function reachable(target: Target): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ ...target, timeout: connectTimeoutMs });
    const finish = (problem: string | undefined): void => {
      socket.destroy();
      resolve(problem);
    };
    socket.once('connect', () => finish(undefined));
    socket.once('timeout', () => finish(`no answer within ${connectTimeoutMs} ms`));
    socket.once('error', (error) => finish(error.message));
  });
}

async function checkBackends(): Promise<string[]> {
  const failures: string[] = [];
  const checks = backends.map(async ({ name, variable, defaultPort }) => {
    const raw = process.env[variable] || undefined;
    console.log(
      `  ${name.padEnd(10)} ${variable}=${raw === undefined ? '(unset: suites needing it skip)' : redactUrl(raw)}`,
    );
    if (raw === undefined) {
      if (requireServices && variable === 'KEELSON_TEST_DATABASE_URL') {
        failures.push(`${variable} is unset, but KEELSON_TEST_REQUIRE_SERVICES=1 needs real PostgreSQL`);
      }
      return;
    }
    if (!requireServices) return;
    let target: Target;
    try {
      target = targetOf(raw, defaultPort);
    } catch {
      failures.push(`${variable} is not a valid URL`);
      return;
    }
    const problem = await reachable(target);
    if (problem !== undefined) failures.push(`${name} at ${variable}=${redactUrl(raw)} is unreachable: ${problem}`);
  });
  const chromium = process.env.KEELSON_TEST_CHROMIUM || undefined;
  console.log(`  ${'Chromium'.padEnd(10)} KEELSON_TEST_CHROMIUM=${chromium ?? '(unset: browser tests skip)'}`);
  if (requireServices && chromium !== undefined) {
    try {
      accessSync(chromium, constants.X_OK);
    } catch {
      failures.push(`KEELSON_TEST_CHROMIUM=${chromium} is not an executable file`);
    }
  }
  await Promise.all(checks);
  return failures;
}

function fail(lines: readonly string[]): never {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n${lines.map((line) => `!! ${line}`).join('\n')}\n${bar}\n`);
  process.exit(1);
}

const allFiles = findTestFiles();
const files = filters.length === 0 ? allFiles : allFiles.filter((file) => filters.some((f) => file.includes(f)));
if (files.length === 0) {
  fail([filters.length === 0 ? 'No test files found.' : `No test file path contains any of: ${filters.join(', ')}`]);
}

console.log(`Test backends${requireServices ? ' (KEELSON_TEST_REQUIRE_SERVICES=1: all set ones must answer)' : ''}:`);
const failures = await checkBackends();
if (failures.length > 0) fail(['Required test services are missing; refusing to run tests.', ...failures]);
console.log(`Running ${files.length} test file${files.length === 1 ? '' : 's'}.\n`);

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=120000', ...nodeFlags, ...files],
  { cwd: root, stdio: 'inherit' },
);
// CI stops jobs with SIGTERM: pass it on so test processes and their servers shut down.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal === null ? 0 : osConstants.signals[signal])));
