/**
 * The shared tier behind the in-process LRU (Redis in production). Entries are tagged with the
 * key's generation: `read` returns the entry only when its tag is still current, `fill` stores
 * only if the generation did not move since `read` (so a load that read the database before a
 * write committed can never store its old value after the write's `bump`). `traceparent`: the
 * caller's, for a span of the call.
 */
export interface RemoteTier {
  /** The current entry (`value` set) or a miss with the tag a later `fill` must present. */
  read(key: string, traceparent?: string): Promise<{ readonly value?: string; readonly tag: string }>;
  /** Stores `value` under `tag` if the key's generation is still `tag`; false when it moved. */
  fill(key: string, tag: string, value: string, ttlMs: number, traceparent?: string): Promise<boolean>;
  /** Moves the key's generation: every entry and every pending fill of it becomes stale. */
  bump(keys: readonly string[], traceparent?: string): Promise<void>;
  /** Moves every key's generation at once (after invalidations were lost). */
  bumpAll(): Promise<void>;
}
