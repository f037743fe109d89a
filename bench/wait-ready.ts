import { setTimeout as sleep } from 'node:timers/promises';
import type { PinnedChild } from './pinned-process.ts';

/**
 * Polls the URLs until one answers 200, the child exits, or `timeoutMs` passes (bounded:
 * every attempt has its own 1 s timeout).
 */
export async function waitUntilReady(urls: readonly string[], child: PinnedChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    for (const url of urls) {
      if (!child.isRunning())
        throw new Error(`${child.name} exited before ${urls.join(' or ')} answered 200 (${last})`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
        last = `${url}: HTTP ${response.status}`;
      } catch (error) {
        last = `${url}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    await sleep(100);
  }
  throw new Error(`${child.name}: ${urls.join(' or ')} did not answer 200 within ${timeoutMs} ms (${last})`);
}
