import { createClient } from 'redis';

/** The node-redis client the kit's Redis adapters take: what `openRedis` returns. */
export type RedisClient = ReturnType<typeof openRedis>;

export interface RedisConnectionOptions {
  readonly url: string;
  /** Connect timeout and reconnect ceiling, in milliseconds. Default 1000. */
  readonly connectTimeoutMs?: number;
  /** Called on connection errors (node-redis reconnects by itself); default ignores them. */
  readonly onError?: (error: Error) => void;
}

/**
 * A node-redis client that fails fast while disconnected instead of queueing commands (a cache
 * in front of a database must bypass, not wait) and reconnects in the background with a capped
 * backoff. Connecting is not awaited here: the first commands fail until it is up.
 *
 * @example
 * ```ts
 * import { openRedis } from '@keelson/kit/cache';
 * const client = openRedis({ url: 'redis://127.0.0.1:6379' });
 * client.destroy(); // a closing service does not wait on a Redis that stopped answering
 * ```
 */
export function openRedis(options: RedisConnectionOptions) {
  const cap = options.connectTimeoutMs ?? 1_000;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: cap, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, cap) },
  });
  client.on('error', (error: Error) => options.onError?.(error));
  client.connect().catch((error: unknown) => {
    if (error instanceof Error) options.onError?.(error);
  });
  return client;
}
