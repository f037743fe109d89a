import type { Logger } from 'pino';
import { withTimeout } from './with-timeout.ts';

/** Something to release at the end: a pool, a broker, a timer, a lock. */
export interface Closer {
  readonly name: string;
  close(): Promise<void>;
}

/**
 * Closes `closers` one at a time in reverse order (they are listed in start-up order, so
 * what was opened last is closed first), each within `timeoutMs`. A failing or slow closer
 * is logged and reported, and does not stop the ones after it. Returns the names that failed.
 *
 * @example
 * ```ts
 * import { closeInReverse } from '@keelson/kit/lifecycle';
 * import { createLogger } from '@keelson/kit/logging';
 * const failed = await closeInReverse([{ name: 'database', close: async () => {} }], {
 *   logger: createLogger({ level: 'info' }),
 *   timeoutMs: 5_000,
 * });
 * ```
 */
export async function closeInReverse(
  closers: readonly Closer[],
  options: { readonly logger: Logger; readonly timeoutMs: number },
): Promise<string[]> {
  const failed: string[] = [];
  for (const closer of [...closers].reverse()) {
    try {
      await withTimeout(closer.close(), options.timeoutMs);
      options.logger.info({ closer: closer.name }, 'shutdown: closed');
    } catch (error) {
      failed.push(closer.name);
      options.logger.error({ err: error, closer: closer.name }, 'shutdown: closer failed');
    }
  }
  return failed;
}
