import type { RequestContext } from '@keelson/kit/context';
import type { Autocommit } from './cursor.ts';

export interface RevocationPollerOptions {
  readonly intervalMs: number;
  /**
   * How far back each poll looks. Revocation times come from the revoking instance's clock and
   * commit in any order, so a high-water mark alone could skip one; a window cannot, as long
   * as clocks agree within it.
   */
  readonly windowMs: number;
  readonly context: () => RequestContext;
  readonly onRevoked: (keyIds: readonly string[]) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * Without Redis, instances learn of each other's revocations from the database: every
 * `intervalMs` one indexed query (migration 010) lists the keys revoked within the window,
 * and the ones not seen before are reported. Returns the stop function.
 */
export function startRevocationPoller(db: Autocommit, options: RevocationPollerOptions): () => Promise<void> {
  const seen = new Map<string, number>();
  let running: Promise<void> | undefined;
  const poll = async () => {
    const since = Date.now() - options.windowMs;
    const { rows } = await db.query<{ id: string }>(
      options.context(),
      'SELECT id FROM api_keys WHERE revoked_at >= $1',
      [new Date(since)],
    );
    const fresh = rows.map((row) => row.id).filter((id) => !seen.has(id));
    for (const id of fresh) seen.set(id, Date.now());
    for (const [id, at] of seen) if (at < since) seen.delete(id);
    if (fresh.length > 0) options.onRevoked(fresh);
  };
  const timer = setInterval(() => {
    // One poll at a time: a slow database skips ticks instead of stacking queries.
    running ??= poll()
      .catch(options.onError)
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
