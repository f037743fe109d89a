import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadSpec } from './load-autocannon.ts';
import { type PinnedChild, runPinnedForJson } from './pinned-process.ts';

const benchDir = fileURLToPath(new URL('.', import.meta.url));

/**
 * Drives a service started under `node --cpu-prof` with one autocannon child (pinned to
 * `loadCore`), then stops the service with SIGTERM: a graceful exit is when V8 writes the
 * profile. `loadMs` spans the load's warm-up and window (and the shutdown after), not the
 * start-up, so the summary can leave the start-up out.
 */
export async function runProfiledLoad(
  spec: LoadSpec,
  service: { readonly child: PinnedChild },
  loadCore: number | undefined,
): Promise<{ measured: unknown; loadMs: number }> {
  const loadStartedAt = Date.now();
  const measured = await runPinnedForJson({
    name: `autocannon (${spec.scenario})`,
    core: loadCore,
    args: [join(benchDir, 'load-autocannon.ts'), JSON.stringify(spec)],
    cwd: join(benchDir, '..'),
    timeoutMs: (spec.durationS + spec.warmupS) * 1_000 + 60_000,
  });
  await service.child.stop(15_000);
  return { measured, loadMs: Date.now() - loadStartedAt };
}
