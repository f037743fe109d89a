// Two in-process builds of the service on one database (and one Redis when given): what the
// multi-instance tests of caching and key revocation drive.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { startTcpProxy, type TcpProxy } from '../../../../packages/kit/test/support/tcp-proxy.ts';
import type { Backend, OwnedTestDatabase } from '../support/databases.ts';
import { startTestService, type TestService } from '../support/service.ts';

export const testRedisUrl = process.env.KEELSON_TEST_REDIS_URL || undefined;

/** Why a Redis suite skips, or false; fails instead under KEELSON_TEST_REQUIRE_SERVICES=1. */
export function redisSkip(): string | false {
  if (testRedisUrl !== undefined) return false;
  if (process.env.KEELSON_TEST_REQUIRE_SERVICES === '1') {
    throw new Error('KEELSON_TEST_REQUIRE_SERVICES=1 but KEELSON_TEST_REDIS_URL is not set');
  }
  return 'KEELSON_TEST_REDIS_URL is not set';
}

export interface Pair {
  readonly a: TestService;
  readonly b: TestService;
}

/**
 * Starts two services on one PostgreSQL database, configured as a server deployment
 * (KEELSON_DATABASE_URL set, so instances assume others may share it) and, with `redis`, one
 * Redis under a prefix of their own.
 */
export function useTwoInstances(
  backend: Backend,
  options: {
    redis: boolean /** B reaches Redis through a proxy adding this delay each way. */;
    redisLatencyMs?: number;
  },
): () => Pair {
  let database: OwnedTestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  const services: (TestService & { stop(): Promise<void> })[] = [];
  before(async () => {
    database = await backend.create();
    const env: Record<string, string> = { KEELSON_DATABASE_URL: database.url ?? assert.fail('a server database') };
    let slowEnv = env;
    if (options.redis) {
      const url = testRedisUrl ?? assert.fail('redis');
      env.KEELSON_REDIS_URL = url;
      env.KEELSON_REDIS_PREFIX = `keelson-test-${randomBytes(6).toString('hex')}`;
      if (options.redisLatencyMs !== undefined) {
        const target = new URL(url);
        proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
        proxy.setLatency(options.redisLatencyMs);
        slowEnv = { ...env, KEELSON_REDIS_URL: proxy.proxied(url) };
      }
    }
    services.push(await startTestService(backend, env, 'api', database));
    services.push(await startTestService(backend, slowEnv, 'api', database));
  });
  after(async () => {
    for (const service of services.reverse()) await service.stop();
    await proxy?.close();
    await database?.dispose();
  });
  return () => {
    const [a, b] = services;
    if (a === undefined || b === undefined) assert.fail('the two instances did not start');
    return { a, b };
  };
}
