// Type-checks every ```ts example in the kit's TSDoc (STYLE rule 13: "a short example that
// the type-checker compiles"), so an example cannot drift from the API it documents.
//
//   node scripts/check-doc-examples.ts
//
// Each example becomes its own module in a scratch directory under packages/kit/, then the
// project's own tsc checks them with tsconfig.base.json. The directory must be inside the
// repo, not in /tmp: `@keelson/kit/<module>`, pino, fastify… resolve through the workspace's
// node_modules, exactly as they would for a reader who pastes the example. It is deleted
// afterwards, also on failure or interruption. Errors are reported at the line of the
// original comment, so `file:line:col` opens the example in an editor.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
const kitDir = join(root, 'packages/kit');
const srcDir = join(kitDir, 'src');
const scratchParent = join(kitDir, '.doc-examples');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

interface Example {
  /** Source file, relative to the repo root. */
  readonly source: string;
  /** 1-based line of the opening fence in the source. */
  readonly fenceLine: number;
  readonly code: readonly string[];
  /** Characters stripped from each code line (the ` * `), to map columns back. */
  readonly indent: readonly number[];
}

interface Problem {
  readonly where: string;
  readonly message: string;
}

function sourceFiles(): string[] {
  return readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(srcDir, file))
    .sort();
}

const docStart = /^\s*\/\*\*(?:\s|$)/;
const commentLine = /^\s*\*(?: |$)/;
const openFence = /^```ts\s*$/;
const closeFence = /^```\s*$/;

/** The ```ts blocks inside `/** … *\/` comments, plus unterminated ones as problems. */
function extractExamples(file: string, problems: Problem[]): Example[] {
  const source = relative(root, file);
  const lines = readFileSync(file, 'utf8').split('\n');
  const examples: Example[] = [];
  let inDoc = false;
  let block: { fenceLine: number; code: string[]; indent: number[] } | undefined;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (!inDoc) {
      inDoc = docStart.test(line) && !line.includes('*/');
      return;
    }
    const closes = line.includes('*/');
    const body = closes ? '' : line.replace(commentLine, '');
    if (block === undefined) {
      if (openFence.test(body)) block = { fenceLine: lineNumber, code: [], indent: [] };
    } else if (closeFence.test(body)) {
      examples.push({ source, ...block });
      block = undefined;
    } else if (!closes) {
      block.code.push(body);
      block.indent.push(line.length - body.length);
    }
    if (closes) {
      if (block !== undefined) {
        problems.push({ where: `${source}:${block.fenceLine}`, message: 'the ```ts block is never closed' });
        block = undefined;
      }
      inDoc = false;
    }
  });
  return examples;
}

function exampleFileName(example: Example, n: number): string {
  const module = relative(srcDir, join(root, example.source))
    .replace(/\.ts$/, '')
    .replaceAll(/[\\/.]/g, '-');
  return `${module}-${n}.ts`;
}

/** Runs tsc; an interruption (see below) is passed on to it. */
function runTsc(tsconfig: string): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', tsconfig], { cwd: root });
    running = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running = undefined;
      resolvePromise({ code: code ?? 128 + (signal === null ? 0 : osConstants.signals[signal]), output });
    });
  });
}

/** `file(line,col): error TSxxxx: message` plus its indented continuation lines. */
function parseDiagnostics(output: string): { file: string; line: number; column: number; message: string }[] {
  const diagnostics: { file: string; line: number; column: number; message: string }[] = [];
  for (const text of output.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(text);
    if (match !== null) {
      const [, file = '', line = '0', column = '0', message = ''] = match;
      diagnostics.push({ file: resolve(root, file), line: Number(line), column: Number(column), message });
      continue;
    }
    const last = diagnostics.at(-1);
    if (last !== undefined && /^\s+\S/.test(text)) last.message += `\n    ${text.trim()}`;
  }
  return diagnostics;
}

// Handled from the start, so Ctrl-C or a CI SIGTERM at any point still reaches the clean-up
// below instead of killing the process with the scratch directory in place.
let interruptedBy: NodeJS.Signals | undefined;
let running: ChildProcess | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interruptedBy = signal;
    running?.kill(signal);
  });
}
const problems: Problem[] = [];
const examples = sourceFiles().flatMap((file) => extractExamples(file, problems));
const byFile = new Map<string, Example>();
let tscExit = 0;
let tscOutput = '';

mkdirSync(scratchParent, { recursive: true });
// A fresh directory per run, so two runs (an editor hook and a terminal) never clobber each other.
const scratch = mkdtempSync(join(scratchParent, 'run-'));
try {
  const perSource = new Map<string, number>();
  for (const example of examples) {
    const n = (perSource.get(example.source) ?? 0) + 1;
    perSource.set(example.source, n);
    const file = join(scratch, exampleFileName(example, n));
    byFile.set(file, example);
    // `export {}` makes an example without imports a module too, so examples never share a scope.
    writeFileSync(file, `${example.code.join('\n')}\nexport {};\n`);
  }
  const tsconfig = join(scratch, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    `${JSON.stringify({ extends: relative(scratch, join(root, 'tsconfig.base.json')), include: ['*.ts'] }, null, 2)}\n`,
  );
  if (examples.length > 0 && interruptedBy === undefined) {
    ({ code: tscExit, output: tscOutput } = await runTsc(tsconfig));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  try {
    rmdirSync(scratchParent); // only when empty: another run may still be using it
  } catch {}
}

if (interruptedBy !== undefined) process.exit(128 + osConstants.signals[interruptedBy]);

const failing = new Set<Example>();
const outside: string[] = [];
for (const diagnostic of parseDiagnostics(tscOutput)) {
  const example = byFile.get(diagnostic.file);
  if (example === undefined) {
    outside.push(
      `${relative(root, diagnostic.file)}:${diagnostic.line}:${diagnostic.column} - error ${diagnostic.message}`,
    );
    continue;
  }
  failing.add(example);
  const line = example.fenceLine + diagnostic.line;
  // A diagnostic on the appended `export {}` line has no source line; point at the closing fence.
  const column = diagnostic.column + (example.indent[diagnostic.line - 1] ?? 0);
  problems.push({ where: `${example.source}:${line}:${column}`, message: `error ${diagnostic.message}` });
}

const sources = new Set(examples.map((example) => example.source)).size;
for (const problem of problems) console.error(`${problem.where} - ${problem.message}`);
if (outside.length > 0) {
  console.error(
    '\nErrors outside the examples: the kit does not type-check on its own, without what the service loads:',
  );
  for (const line of outside) console.error(line);
}
if (problems.length === 0 && outside.length === 0 && tscExit !== 0) {
  console.error(`tsc exited with ${tscExit} without a diagnostic this script understands:\n${tscOutput}`);
}
const ok = problems.length === 0 && outside.length === 0 && tscExit === 0;
console.log(
  `${ok ? 'OK' : 'FAILED'}: ${examples.length} TSDoc example${examples.length === 1 ? '' : 's'} in ${sources} file${sources === 1 ? '' : 's'}` +
    (failing.size > 0 ? `, ${failing.size} do not compile` : ''),
);
process.exit(ok ? 0 : 1);
