// Lints the checkout OpenAPI document with Redocly (`npm run lint:openapi`).
//
//   node scripts/lint-openapi.ts                 build the document in-process and lint it
//   node scripts/lint-openapi.ts openapi.json    lint a document a test or tool already wrote
//
// It starts no server: the document comes from buildOpenApiDocument(), which registers the
// routes without listening.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const documentModule = join(root, 'services/checkout/src/adapters/http/openapi-document.ts');
const redocly = join(root, 'node_modules/.bin/redocly');

function fail(message: string): never {
  console.error(`lint:openapi: ${message}`);
  process.exit(1);
}

async function buildDocument(): Promise<unknown> {
  const shown = relative(root, documentModule);
  if (!existsSync(documentModule)) {
    fail(`${shown} does not exist yet; it must export buildOpenApiDocument(): Promise<object>.`);
  }
  // A computed specifier keeps tsc from resolving a module that may not exist yet.
  const loaded: unknown = await import(pathToFileURL(documentModule).href);
  const build = typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, 'buildOpenApiDocument') : undefined;
  if (typeof build !== 'function') fail(`${shown} does not export a buildOpenApiDocument() function.`);
  const document: unknown = await build();
  if (typeof document !== 'object' || document === null) fail('buildOpenApiDocument() did not return an object.');
  return document;
}

let file: string;
let tempDir: string | undefined;
const given = process.argv[2];
if (given === undefined) {
  const document = await buildDocument();
  tempDir = mkdtempSync(join(tmpdir(), 'keelson-openapi-'));
  file = join(tempDir, 'openapi.json');
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
} else {
  file = resolve(given);
  if (!existsSync(file)) fail(`no such file: ${file}`);
}

// Run Redocly's bin under this Node (24) rather than whatever `node` is first on PATH.
const result = spawnSync(process.execPath, [redocly, 'lint', file, '--config', join(root, 'redocly.yaml')], {
  stdio: 'inherit',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
});
if (result.error !== undefined) fail(`could not run Redocly: ${result.error.message}`);
// Keep the generated file when lint fails: Redocly's messages point into it.
if (tempDir !== undefined && result.status === 0) rmSync(tempDir, { recursive: true, force: true });
// Exit explicitly: the imported document module may hold handles (timers, pools) open.
process.exit(result.status ?? 1);
