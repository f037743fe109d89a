import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';

const main = join(import.meta.dirname, '../src/main.ts');

/** `npm run psp-sim` runs `node services/psp-sim/src/main.ts`; this starts the same file. */
function start(t: TestContext, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => output };
}

async function urlOf(child: ChildProcess, output: () => string): Promise<string> {
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(output());
    if (match?.[1] !== undefined) return match[1];
    if (child.exitCode !== null) throw new Error(`psp-sim exited ${child.exitCode}: ${output()}`);
    await Promise.race([once(child.stdout ?? child, 'data'), once(child, 'exit')]);
  }
}

describe('psp-sim standalone (npm run psp-sim)', () => {
  it('prints its URL, serves, and exits 0 on SIGTERM with the ledger on disk', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'psp-sim-main-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const { child, output } = start(t, { PSP_SIM_PORT: '0', PSP_SIM_DATA_DIR: dir });
    const url = await urlOf(child, output);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(output(), new RegExp(`ledger: ${dir}`));
    const response = await fetch(`${url}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_main' },
      body: new URLSearchParams({ amount: '100', currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true' }),
    });
    assert.equal(response.status, 200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0, output());

    const again = start(t, { PSP_SIM_PORT: '0', PSP_SIM_DATA_DIR: dir });
    const ledger = (await (await fetch(`${await urlOf(again.child, again.output)}/sim/ledger`)).json()) as {
      payment_intents: unknown[];
    };
    assert.equal(ledger.payment_intents.length, 1);
    again.child.kill('SIGTERM');
    assert.deepEqual(await once(again.child, 'exit'), [0, null]);
  });

  it('reports every configuration problem at once and exits 2', async (t) => {
    const { child, output } = start(t, { PSP_SIM_PORT: 'eighty', PSP_SIM_LOG: 'loud' });
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(output(), /PSP_SIM_PORT=eighty/);
    assert.match(output(), /PSP_SIM_LOG=loud/);
  });
});
