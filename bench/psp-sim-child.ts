import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { type PinnedChild, spawnPinned } from './pinned-process.ts';
import { waitUntilReady } from './wait-ready.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * The payment-provider simulator as a pinned child (`psp-sim-server.ts`), its durable ledger in
 * `<dataDir>/psp-sim`; resolves once it answers. On the server core, a payment costs that core
 * both sides, as it would a real deployment's host.
 */
export async function startPspSimChild(options: {
  readonly dataDir: string;
  readonly core: number | undefined;
  readonly cwd: string;
}): Promise<{ readonly child: PinnedChild; readonly url: string }> {
  const port = await freePort();
  const ledgerDir = join(options.dataDir, 'psp-sim');
  mkdirSync(ledgerDir);
  const child = spawnPinned({
    name: 'psp-sim',
    core: options.core,
    args: [join(benchDir, 'psp-sim-server.ts'), String(port), ledgerDir],
    cwd: options.cwd,
    output: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady([`${url}/sim/faults`], child, 30_000);
  return { child, url };
}
