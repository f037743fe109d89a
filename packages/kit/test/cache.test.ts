import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import {
  type Broadcast,
  type Cache,
  createCache,
  createLocalBroadcast,
  createRedisBroadcast,
  createRedisTier,
  openRedis,
} from '../src/cache/index.ts';
import { startTcpProxy } from './support/tcp-proxy.ts';
import { targetOf, testRedisUrl } from './support/test-redis.ts';

interface Product {
  readonly id: string;
  readonly version: number;
}

/** A fake table with a read counter: what the cache must spare. */
function table() {
  const rows = new Map<string, Product>();
  let reads = 0;
  return {
    rows,
    get reads() {
      return reads;
    },
    /** Reads after a macrotask, as a database round trip would, so concurrent callers overlap. */
    load(id: string) {
      return async () => {
        reads += 1;
        const row = rows.get(id);
        await new Promise((resolve) => setImmediate(resolve));
        return row;
      };
    },
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, boundMs = 5_000): Promise<void> {
  const end = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('cache in one process', () => {
  const local = (broadcast: Broadcast = createLocalBroadcast()) =>
    createCache<Product>({ topic: 'products', maxEntries: 100, ttlMs: 60_000, broadcast });

  it('1,000 concurrent cold reads of one key load it once, then serve from memory', async () => {
    const db = table();
    db.rows.set('p1', { id: 'p1', version: 1 });
    const cache = local();
    const results = await Promise.all(Array.from({ length: 1_000 }, () => cache.get('p1', db.load('p1'))));
    assert.equal(db.reads, 1);
    assert.ok(results.every((r) => r?.version === 1));
    assert.deepEqual(await cache.get('p1', db.load('p1')), { id: 'p1', version: 1 });
    assert.equal(db.reads, 1);
    assert.equal(cache.stats().localHits, 1);
  });

  it('an invalidation drops the entry, and a load that began before it is neither cached nor joined', async () => {
    const db = table();
    db.rows.set('p1', { id: 'p1', version: 1 });
    const cache = local();
    const early = cache.get('p1', db.load('p1'));
    // The write commits while the early load is in flight, then invalidates.
    db.rows.set('p1', { id: 'p1', version: 2 });
    await cache.invalidate(['p1']);
    const late = cache.get('p1', db.load('p1'));
    assert.equal(db.reads, 2, 'a read after the invalidation starts its own load');
    await early;
    assert.equal((await late)?.version, 2);
    assert.equal((await cache.get('p1', db.load('p1')))?.version, 2, 'the early load did not overwrite the entry');
  });

  it('a missing row is not cached', async () => {
    const db = table();
    const cache = local();
    assert.equal(await cache.get('nope', db.load('nope')), undefined);
    assert.equal(await cache.get('nope', db.load('nope')), undefined);
    assert.equal(db.reads, 2);
  });

  it('entries live the TTL less a jitter: filled together, they expire apart', async () => {
    const db = table();
    for (let i = 0; i < 50; i += 1) db.rows.set(`p${i}`, { id: `p${i}`, version: 1 });
    const cache = createCache<Product>({
      topic: 'products',
      maxEntries: 100,
      ttlMs: 400,
      jitter: 0.5,
      broadcast: createLocalBroadcast(),
    });
    await Promise.all([...db.rows.keys()].map((id) => cache.get(id, db.load(id))));
    const expiredAt = new Map<string, number>();
    const start = Date.now();
    await until(async () => {
      for (const id of db.rows.keys()) {
        if (expiredAt.has(id)) continue;
        const before = db.reads;
        await cache.get(id, db.load(id));
        if (db.reads > before) expiredAt.set(id, Date.now() - start);
      }
      return expiredAt.size === db.rows.size;
    }, 'every entry to expire');
    const times = [...expiredAt.values()];
    assert.ok(Math.max(...times) <= 400 + 200, `none outlives the TTL much: ${Math.max(...times)} ms`);
    assert.ok(Math.max(...times) - Math.min(...times) >= 50, `expiries spread: ${times.join(',')}`);
  });
});

const redis = testRedisUrl();

describe('cache over Redis, two instances', { skip: redis.skip }, () => {
  const url = redis.url ?? '';
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close();
  });

  async function instance(redisUrl: string, prefix: string): Promise<{ cache: Cache<Product>; broadcast: Broadcast }> {
    const broadcast = await createRedisBroadcast({ url: redisUrl, channel: `${prefix}:bus`, ackTimeoutMs: 1_000 });
    const client = openRedis({ url: redisUrl });
    closers.push(async () => {
      await broadcast.close();
      client.destroy();
    });
    await until(() => client.isReady, 'the tier connection');
    const remote = createRedisTier(client, { prefix, timeoutMs: 200 });
    return {
      broadcast,
      cache: createCache<Product>({ topic: 'products', maxEntries: 100, ttlMs: 60_000, broadcast, remote }),
    };
  }

  it('single-flight across 1,000 reads, the shared tier serves the other instance, and a write invalidates both', async () => {
    const prefix = `keelson-test:${randomBytes(6).toString('hex')}`;
    const a = await instance(url, prefix);
    const b = await instance(url, prefix);
    const db = table();
    db.rows.set('p1', { id: 'p1', version: 1 });

    await Promise.all(Array.from({ length: 1_000 }, () => a.cache.get('p1', db.load('p1'))));
    assert.equal(db.reads, 1);
    await until(async () => (await b.cache.get('p1', db.load('p1'))) !== undefined && db.reads === 1, 'B to hit Redis');
    assert.equal(b.cache.stats().remoteHits, 1, 'B read the entry A filled');
    assert.equal((await b.cache.get('p1', db.load('p1')))?.version, 1);
    assert.equal(b.cache.stats().localHits, 1);

    db.rows.set('p1', { id: 'p1', version: 2 });
    await a.cache.invalidate(['p1']);
    // Acknowledged by B before invalidate resolved: its next read is the new version.
    assert.equal((await b.cache.get('p1', db.load('p1')))?.version, 2);
    assert.equal((await a.cache.get('p1', db.load('p1')))?.version, 2);
  });

  it('Redis down or stalled: reads go to the database without an error, and caching resumes after', async () => {
    const prefix = `keelson-test:${randomBytes(6).toString('hex')}`;
    const proxy = await startTcpProxy(targetOf(url));
    closers.push(() => proxy.close());
    const a = await instance(proxy.proxied(url), prefix);
    const db = table();
    db.rows.set('p1', { id: 'p1', version: 1 });
    await a.cache.get('p1', db.load('p1'));

    proxy.stall();
    // Stalled: the local entry still serves while nothing says the connection died; a cold key
    // goes around the shared tier within its timeout.
    db.rows.set('p2', { id: 'p2', version: 1 });
    assert.equal((await a.cache.get('p2', db.load('p2')))?.version, 1);
    assert.ok(a.cache.stats().bypasses >= 1);

    proxy.resume();
    await proxy.down();
    await until(() => !a.broadcast.healthy(), 'the broadcast to notice the lost connection');
    const before = db.reads;
    for (let i = 0; i < 5; i += 1) assert.equal((await a.cache.get('p1', db.load('p1')))?.version, 1);
    assert.equal(db.reads, before + 5, 'no local copy is trusted while invalidations cannot be heard');
    // A write while Redis is down cannot reach it: it is owed, and settled on reconnection.
    db.rows.set('p1', { id: 'p1', version: 2 });
    await a.cache.invalidate(['p1']);

    await proxy.up();
    await until(() => a.broadcast.healthy(), 'the broadcast to reconnect', 10_000);
    await until(async () => (await a.cache.get('p1', db.load('p1')))?.version === 2, 'the new version');
    const settled = db.reads;
    await until(async () => {
      await a.cache.get('p1', db.load('p1'));
      return db.reads === settled;
    }, 'caching to resume');
  });
});
