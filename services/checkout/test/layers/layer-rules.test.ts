import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * A layer rule nobody has seen fail is not known to work. This copies the real sources and
 * the real `.dependency-cruiser.cjs` into a temp directory, adds one probe file per forbidden
 * import, runs `depcruise` there exactly as `npm run layers` does, and requires each probe to
 * be reported by exactly the rules it breaks, and nothing else to be reported. The probes
 * never touch the working tree, so lint, typecheck and `npm run layers` never see them and
 * parallel runs cannot collide.
 */
const root = join(import.meta.dirname, '../../../..');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const copied = [
  '.dependency-cruiser.cjs',
  'tsconfig.json',
  'tsconfig.base.json',
  'packages/kit/package.json',
  'packages/kit/src',
  'services/checkout/package.json',
  'services/checkout/src',
  'services/psp-sim/package.json',
  'services/psp-sim/src',
];

const app = 'services/checkout/src/app';
const domain = 'services/checkout/src/domain';

/** Empty modules the probes import, so they do not depend on the names of real files. */
const targets = [
  'services/checkout/src/adapters/probe-target.ts',
  'services/checkout/src/composition/probe-target.ts',
  'services/checkout/src/probe-target.ts',
  `${domain}/probe-target.ts`,
];

interface Probe {
  readonly file: string;
  readonly source: string;
  /** The rules that must report this file; none for an import that must stay allowed. */
  readonly rules: readonly string[];
}

/** One probe file per entry of `sources`, named `${dir}/probe-${name}.ts`. */
function probesIn(dir: string, rules: readonly string[], sources: Readonly<Record<string, string>>): Probe[] {
  return Object.entries(sources).map(([name, source]) => ({ file: `${dir}/probe-${name}.ts`, source, rules }));
}

const appRule = 'app-imports-domain-and-kit-core';
const adapterRule = 'adapters-only-from-composition';

const probes: readonly Probe[] = [
  ...probesIn(domain, ['domain-is-pure'], {
    ulid: "import 'ulid';",
    fs: "import 'node:fs';",
    app: "export type { Clock } from '../app/ports.ts';",
    'kit-context': "export type { RequestContext } from '@keelson/kit/context';",
  }),
  ...probesIn(domain, ['domain-is-pure', adapterRule], { adapters: "import '../adapters/probe-target.ts';" }),
  ...probesIn(domain, [], { allowed: "import './probe-target.ts';\nimport '@keelson/kit/errors';" }),

  ...probesIn(app, [appRule], {
    pg: "import 'pg';",
    fastify: "import 'fastify';",
    pglite: "import '@electric-sql/pglite';",
    zod: "import 'zod';",
    ulid: "import 'ulid';",
    fs: "import 'node:fs';",
    http: "import 'node:http';",
    'child-process': "import 'node:child_process';",
    // Type-only imports count: the kit context hands use cases a pino Logger; they never import pino.
    'pino-type': "export type { Logger } from 'pino';",
    'kit-db': "export type { Database } from '@keelson/kit/db';",
    'kit-http': "import '@keelson/kit/http';",
    composition: "import '../composition/probe-target.ts';",
    config: "import '../probe-target.ts';",
  }),
  ...probesIn(app, [appRule, adapterRule], { adapters: "import '../adapters/probe-target.ts';" }),
  ...probesIn(app, [], {
    allowed: [
      "import 'node:crypto';",
      "import '@keelson/kit/context';",
      "import '@keelson/kit/errors';",
      "import '@keelson/kit/ids';",
      "import '../domain/probe-target.ts';",
      "import './ports.ts';",
    ].join('\n'),
  }),

  ...probesIn('services/checkout/src', [adapterRule], { adapters: "import './adapters/probe-target.ts';" }),
  ...probesIn('services/checkout/src/composition', [], { allowed: "import '../adapters/probe-target.ts';" }),

  ...probesIn('packages/kit/src/errors', ['kit-not-to-services'], {
    relative: "import '../../../../services/checkout/src/probe-target.ts';",
    package: "import '@keelson/checkout/src/probe-target.ts';",
  }),

  ...probesIn('services/psp-sim/src', ['psp-sim-stands-alone'], {
    relative: "import '../../checkout/src/probe-target.ts';",
    package: "import '@keelson/checkout/src/probe-target.ts';",
  }),

  ...probesIn('packages/kit/src/cycle', ['no-circular'], { a: "import './probe-b.ts';" }),
  // dependency-cruiser reports a cycle once, not once per module in it.
  ...probesIn('packages/kit/src/cycle', [], { b: "import './probe-a.ts';" }),
];

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

interface CruiseResult {
  readonly summary: { readonly violations: readonly Violation[] };
}

/**
 * A copy of the tree in which node_modules links to the real packages, except that the
 * workspace packages point into the copy, so `@keelson/kit/*` resolves to the copied
 * `packages/kit/src/...` just as it resolves to `packages/kit/src/...` in the real tree.
 */
async function copyTree(into: string): Promise<void> {
  await Promise.all(copied.map((path) => cp(join(root, path), join(into, path), { recursive: true })));
  await mkdir(join(into, 'node_modules/@keelson'), { recursive: true });
  const installed = await readdir(join(root, 'node_modules'));
  await Promise.all(
    installed
      .filter((name) => name !== '@keelson' && name !== '.bin')
      .map((name) => symlink(join(root, 'node_modules', name), join(into, 'node_modules', name))),
  );
  await symlink(join(into, 'packages/kit'), join(into, 'node_modules/@keelson/kit'));
  await symlink(join(into, 'services/checkout'), join(into, 'node_modules/@keelson/checkout'));
  await symlink(join(into, 'services/psp-sim'), join(into, 'node_modules/@keelson/psp-sim'));
}

async function write(into: string, file: string, source: string): Promise<void> {
  await mkdir(dirname(join(into, file)), { recursive: true });
  await writeFile(join(into, file), `${source}\n`);
}

/** `npm run layers` in `cwd`, as JSON; depcruise exits non-zero when it finds violations. */
function cruise(cwd: string): Promise<CruiseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [depcruise, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', 'packages', 'services'],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        // The JSON reporter's shape, as documented by dependency-cruiser; checked by the assertions.
        resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as CruiseResult);
      } catch (error) {
        reject(new Error(`depcruise exited ${code}: ${Buffer.concat(err).toString('utf8')}`, { cause: error }));
      }
    });
  });
}

function key(file: string, rule: string): string {
  return `${file}  ${rule}`;
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  let dir = '';
  let reported: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keelson-layers-'));
    await copyTree(dir);
    for (const target of targets) await write(dir, target, 'export {};');
    for (const probe of probes) await write(dir, probe.file, probe.source);
    const { summary } = await cruise(dir);
    reported = [...new Set(summary.violations.map((v) => key(v.from, v.rule.name)))].sort();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reports each probe under exactly the rules it breaks, and nothing in the real sources', () => {
    const expected = probes.flatMap((probe) => probe.rules.map((rule) => key(probe.file, rule))).sort();
    assert.deepEqual(reported, expected);
  });

  it('has seen every configured rule fire', () => {
    // The config is CommonJS by necessity (dependency-cruiser loads it so).
    const config = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as {
      forbidden: readonly { readonly name: string }[];
    };
    const fired = new Set(reported.map((line) => line.split('  ')[1]));
    assert.deepEqual(
      config.forbidden.map((rule) => rule.name).filter((name) => !fired.has(name)),
      [],
      'rules no probe broke',
    );
  });
});
