/**
 * The real Redis a test uses: KEELSON_TEST_REDIS_URL, or a skip reason when it is unset. With
 * KEELSON_TEST_REQUIRE_SERVICES=1 an unset URL throws instead (CI must not skip silently).
 */
export function testRedisUrl(): { url: string; skip: false } | { url: undefined; skip: string } {
  const url = process.env.KEELSON_TEST_REDIS_URL || undefined;
  if (url !== undefined) return { url, skip: false };
  if (process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
    throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_REDIS_URL is not set');
  }
  return { url: undefined, skip: 'KEELSON_TEST_REDIS_URL is not set' };
}

/** `{ host, port }` of a redis:// URL, for the test's TCP proxy. */
export function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}
