// The one test entry point (`npm test`): finds every suite, says which real backends are
// configured, and, when KEELSON_TEST_REQUIRE_SERVICES=1, refuses to run against missing
// ones, so CI can never go green by silently skipping its integration tests. At the end it
// lists every test or suite that skipped, with its reason.
//
//   npm test                       all suites
//   npm test -- orders config      only files whose path contains "orders" or "config"
//   npm test -- --test-only        arguments starting with -- go to `node --test`
//   npm run test:fuzz              only files with property tests: a random seed, 10× the runs
//
// Property tests run with a fixed seed unless KEELSON_TEST_SEED says otherwise (see
// packages/kit/test/support/properties.ts); the seed is printed here and by each file.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { SkippedTest } from './skipped-tests-reporter.ts';

const root = join(import.meta.dirname, '..');
const connectTimeoutMs = 3_000;

const backends = [
  { name: 'PostgreSQL', variable: 'KEELSON_TEST_DATABASE_URL', defaultPort: 5432 },
  { name: 'Redis', variable: 'KEELSON_TEST_REDIS_URL', defaultPort: 6379 },
  { name: 'NATS', variable: 'KEELSON_TEST_NATS_URL', defaultPort: 4222 },
  { name: 'RabbitMQ', variable: 'KEELSON_TEST_AMQP_URL', defaultPort: 5672 },
] as const;

const args = process.argv.slice(2);
const fuzz = args.includes('--fuzz');
const nodeFlags = args.filter((arg) => arg.startsWith('--') && arg !== '--fuzz');
const filters = args.filter((arg) => !arg.startsWith('--'));
const requireServices = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';
/** The module every property test takes `fc` from. */
const propertySupport = 'support/properties.ts';

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

async function checkBackends(needsChromium: boolean): Promise<string[]> {
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
  const unsetChromium = requireServices
    ? '(unset)'
    : '(unset: /usr/bin/chromium if installed, else browser tests skip)';
  console.log(`  ${'Chromium'.padEnd(10)} KEELSON_TEST_CHROMIUM=${chromium ?? unsetChromium}`);
  if (requireServices && needsChromium) {
    if (chromium === undefined) {
      failures.push(
        'KEELSON_TEST_CHROMIUM is unset, but KEELSON_TEST_REQUIRE_SERVICES=1 needs Chromium for the browser tests (e.g. /usr/bin/chromium)',
      );
    } else {
      try {
        accessSync(chromium, constants.X_OK);
      } catch {
        failures.push(`KEELSON_TEST_CHROMIUM=${chromium} is not an executable file`);
      }
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

/** The property-test settings the test files will read, with `random` drawn once for the whole run. */
function propertySettings(): NodeJS.ProcessEnv {
  const seed = process.env.KEELSON_TEST_SEED || (fuzz ? 'random' : undefined);
  const runs = process.env.KEELSON_TEST_RUNS || (fuzz ? '10' : undefined);
  const env: NodeJS.ProcessEnv = {};
  if (seed !== undefined) env.KEELSON_TEST_SEED = seed === 'random' ? String(randomInt(-(2 ** 31), 2 ** 31)) : seed;
  if (runs !== undefined) env.KEELSON_TEST_RUNS = runs;
  const shown = `KEELSON_TEST_SEED=${env.KEELSON_TEST_SEED ?? '(unset: the fixed seed)'} KEELSON_TEST_RUNS=${runs ?? '(unset: 1)'}`;
  console.log(`Property tests: ${shown}${seed === 'random' ? ' (seed drawn at random)' : ''}`);
  return env;
}

/** What did not run: every skip the reporter wrote, and the backend every database suite missed. */
function printSkipped(path: string): void {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  // Our own reporter wrote every line, one SkippedTest each.
  const skipped = lines.filter((line) => line !== '').map((line): SkippedTest => JSON.parse(line));
  const noDatabase = !process.env.KEELSON_TEST_DATABASE_URL;
  if (skipped.length === 0 && !noDatabase) return;
  console.log('\nDid not run:');
  for (const { file, name, reason } of skipped) console.log(`  - ${relative(root, file)}: ${name}\n      (${reason})`);
  if (noDatabase) console.log('  - any suite on real PostgreSQL: KEELSON_TEST_DATABASE_URL is unset (PGlite only)');
}

const allFiles = findTestFiles();
const matching = filters.length === 0 ? allFiles : allFiles.filter((file) => filters.some((f) => file.includes(f)));
const sources = new Map(matching.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
// A property that takes `fc` from fast-check itself would run with a new random seed each time.
const unseeded = matching.filter((file) =>
  /^import\s+(?!type\b)[^;]*\bfrom\s+['"]fast-check['"]/m.test(sources.get(file) ?? ''),
);
if (unseeded.length > 0) {
  fail([`Import fc from packages/kit/test/${propertySupport}, not from 'fast-check', in:`, ...unseeded]);
}
const files = fuzz ? matching.filter((file) => sources.get(file)?.includes(propertySupport)) : matching;
if (files.length === 0) {
  fail([
    filters.length === 0 ? 'No test files found.' : `No test file path contains any of: ${filters.join(', ')}`,
    ...(fuzz ? [`(--fuzz keeps only files importing ${propertySupport})`] : []),
  ]);
}

console.log(`Test backends${requireServices ? ' (KEELSON_TEST_REQUIRE_SERVICES=1: all set ones must answer)' : ''}:`);
const failures = await checkBackends(files.some((file) => file.endsWith('.browser.test.ts')));
if (failures.length > 0) fail(['Required test services are missing; refusing to run tests.', ...failures]);
const env = { ...process.env, ...propertySettings() };
console.log(
  `Running ${files.length} test file${files.length === 1 ? '' : 's'}${fuzz ? ' with property tests' : ''}.\n`,
);

// spec for people, plus a reporter that records skips for the closing list. A caller who
// chooses reporters (`npm test -- --test-reporter=tap`) gets exactly those.
const ownReporters = nodeFlags.some((flag) => flag.startsWith('--test-reporter'));
const skipsDir = mkdtempSync(join(tmpdir(), 'keelson-test-'));
const skipsFile = join(skipsDir, 'skipped.jsonl');
const reporters = ownReporters
  ? []
  : [
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${join(import.meta.dirname, 'skipped-tests-reporter.ts')}`,
      `--test-reporter-destination=${skipsFile}`,
    ];

const child = spawn(
  process.execPath,
  ['--test', '--test-concurrency=2', '--test-timeout=120000', ...reporters, ...nodeFlags, ...files],
  { cwd: root, stdio: 'inherit', env },
);
// CI stops jobs with SIGTERM: pass it on so test processes and their servers shut down.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (!ownReporters) printSkipped(skipsFile);
  rmSync(skipsDir, { recursive: true, force: true });
  process.exit(code ?? 128 + (signal === null ? 0 : osConstants.signals[signal]));
});
