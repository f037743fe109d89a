import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

/**
 * Real Redis for kit tests: the URL from KEELSON_TEST_REDIS_URL, or a skip reason; with
 * KEELSON_TEST_REQUIRE_SERVICES=1 an unset URL fails loudly instead.
 */
export function testRedisUrl(): { url: string; skip: false } | { url: undefined; skip: string } {
  const url = process.env.KEELSON_TEST_REDIS_URL || undefined;
  if (url !== undefined) return { url, skip: false };
  if (process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
    throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_REDIS_URL is not set');
  }
  return { url: undefined, skip: 'KEELSON_TEST_REDIS_URL is not set' };
}

/** A unique key prefix, so parallel tests never share a bucket. */
export function uniquePrefix(): string {
  return `keelson:test:${randomBytes(6).toString('hex')}:`;
}

/** Connects a client that fails fast (no offline queue) and reconnects every 100 ms. */
export async function connectRedis(url: string) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: 100, connectTimeout: 1_000 },
  });
  client.on('error', () => {}); // reconnects are the point of some tests; errors surface through commands
  await client.connect();
  return client;
}

/** Deletes every key under `prefix` (SCAN, never KEYS on a shared server). */
export async function deletePrefix(client: TestRedisClient, prefix: string): Promise<void> {
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length > 0) await client.del(keys);
  }
}

export type TestRedisClient = Awaited<ReturnType<typeof connectRedis>>;

/** `{ host, port }` of a redis:// URL, for the test's TCP proxy. */
export function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}
