import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian's `promtool` (package `prometheus`): KEELSON_TEST_PROMTOOL, else /usr/bin/promtool when
 * installed. `skip` is false when it must run: with KEELSON_TEST_REQUIRE_SERVICES=1 it never
 * skips, so a missing promtool fails the test that needs it.
 */
const configured = process.env.KEELSON_TEST_PROMTOOL || undefined;
const required = process.env.KEELSON_TEST_REQUIRE_SERVICES === '1';
export const promtool = configured ?? '/usr/bin/promtool';
export const promtoolSkip: string | false =
  !required && configured === undefined && !existsSync(promtool)
    ? 'no promtool: /usr/bin/promtool is missing and KEELSON_TEST_PROMTOOL is unset (apt-get install prometheus)'
    : false;

/** Runs promtool asynchronously (the service under test keeps serving), `stdin` fed when given. */
export function runPromtool(
  args: readonly string[],
  options: { readonly cwd?: string; readonly stdin?: string } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(options.stdin ?? '');
  });
}
