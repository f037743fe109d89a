import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { createPgDatabase, type Database } from '../src/db/index.ts';
import { isAppError } from '../src/errors/index.ts';
import { deferred } from './http-test-support.ts';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.ts';

// Database faults on real PostgreSQL, through a TCP proxy this file owns (the shared server is
// never restarted): a terminated backend, a proxy that dies, a network that stalls. A fault must
// reject the affected call with the right code, never crash the process, never outlive the
// deadline, and never leave a broken connection in the pool.

const serverUrl = process.env.KEELSON_TEST_DATABASE_URL;
const skip = serverUrl === undefined ? 'KEELSON_TEST_DATABASE_URL is not set' : false;
/** How late past its deadline a call may be answered: timers, not the network, decide it. */
const marginMs = 1_500;

function hasCode(code: string) {
  return (error: unknown) => isAppError(error) && error.code === code;
}

/** Polls pg_stat_activity (the only way to see the backend) until `name` runs a statement. */
async function busyBackend(admin: pg.Client, name: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
      [name],
    );
    if (rows[0] !== undefined) return rows[0].pid;
    if (Date.now() > deadline) assert.fail(`no active backend named ${name}`);
    await delay(20);
  }
}

describe('PostgreSQL faults through a proxy', { skip }, () => {
  let admin: pg.Client;
  let proxy: TcpProxy;
  const opened: Database[] = [];

  before(async () => {
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
  });
  after(async () => {
    await Promise.all(opened.map((db) => db.close()));
    await proxy?.close();
    await admin.end();
  });

  async function open(options: { maxConnections?: number; connectTimeoutMs?: number } = {}) {
    proxy ??= await startTcpProxy(targetOf(serverUrl ?? ''));
    const applicationName = `keelson_fault_${randomBytes(4).toString('hex')}`;
    const db = createPgDatabase({ url: proxy.proxied(serverUrl ?? ''), applicationName, ...options });
    opened.push(db);
    return { db, applicationName };
  }

  it('a terminated backend rejects its call with database_unavailable; the process lives, the pool heals', async () => {
    const { db, applicationName } = await open();
    const running = db.query({ deadline: Date.now() + 20_000 }, 'SELECT pg_sleep(10)');
    const pid = await busyBackend(admin, applicationName);
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await assert.rejects(running, hasCode('database_unavailable'));
    assert.equal(db.stats().total, 0, 'the broken connection was discarded, not returned to the pool');
    const { rows } = await db.query({ deadline: Date.now() + 5_000 }, 'SELECT 1 AS one');
    assert.deepEqual(rows, [{ one: 1 }]);
  });

  it('a terminated backend inside a transaction rejects it the same way', async () => {
    const { db, applicationName } = await open();
    const running = db.transaction({ deadline: Date.now() + 20_000 }, async (tx) => {
      await tx.query('SELECT 1');
      await tx.query('SELECT pg_sleep(10)');
    });
    await admin.query('SELECT pg_terminate_backend($1)', [await busyBackend(admin, applicationName)]);
    await assert.rejects(running, hasCode('database_unavailable'));
    assert.equal(db.stats().total, 0);
    await db.transaction({ deadline: Date.now() + 5_000 }, (tx) => tx.query('SELECT 1'));
  });

  it('the proxy dying mid-query rejects with database_unavailable; calls succeed once it is back', async () => {
    const { db, applicationName } = await open();
    const running = db.query({ deadline: Date.now() + 20_000 }, 'SELECT pg_sleep(10)');
    await busyBackend(admin, applicationName);
    await proxy.down();
    await assert.rejects(running, hasCode('database_unavailable'));
    await assert.rejects(db.query({ deadline: Date.now() + 5_000 }, 'SELECT 1'), hasCode('database_unavailable'));
    await proxy.up();
    await db.query({ deadline: Date.now() + 5_000 }, 'SELECT 1');
  });

  it('a stalled network answers deadline_exceeded at the deadline and destroys the cut-off connection', async () => {
    const { db } = await open();
    await db.query({ deadline: Date.now() + 5_000 }, 'SELECT 1'); // one idle pooled connection
    const acceptedBefore = proxy.accepted;
    proxy.stall();
    try {
      const started = Date.now();
      await assert.rejects(db.query({ deadline: started + 800 }, 'SELECT 1'), hasCode('deadline_exceeded'));
      const late = Date.now() - started - 800;
      assert.ok(late < marginMs, `answered ${late} ms after the deadline`);
      assert.equal(db.stats().total, 0, 'the connection cut off by the deadline left the pool');
    } finally {
      proxy.resume();
    }
    await db.query({ deadline: Date.now() + 5_000 }, 'SELECT 1');
    assert.equal(proxy.accepted, acceptedBefore + 1, 'the next call opened a new connection');
  });

  it('a stalled network bounds a transaction, a new connection and a ping by their deadlines', async () => {
    const { db } = await open({ connectTimeoutMs: 10_000 });
    proxy.stall();
    try {
      // No idle connection: the pool opens one, and its start-up message is never answered.
      const started = Date.now();
      await assert.rejects(
        db.transaction({ deadline: started + 600 }, (tx) => tx.query('SELECT 1')),
        hasCode('deadline_exceeded'),
      );
      assert.ok(Date.now() - started < 600 + marginMs, `transaction answered after ${Date.now() - started} ms`);
      const pingStarted = Date.now();
      await assert.rejects(db.ping(500));
      assert.ok(Date.now() - pingStarted < 500 + marginMs, `ping answered after ${Date.now() - pingStarted} ms`);
    } finally {
      proxy.resume();
    }
    await db.ping(5_000);
  });

  it('waiting for a pool slot is bounded by the deadline', async () => {
    const { db } = await open({ maxConnections: 1, connectTimeoutMs: 10_000 });
    const gate = deferred();
    const holding = db.transaction({ deadline: Date.now() + 20_000 }, async (tx) => {
      await tx.query('SELECT 1');
      await gate.promise;
    });
    try {
      const started = Date.now();
      await assert.rejects(db.query({ deadline: started + 300 }, 'SELECT 1'), hasCode('deadline_exceeded'));
      assert.ok(Date.now() - started < 300 + marginMs, `answered after ${Date.now() - started} ms`);
    } finally {
      gate.resolve();
    }
    await holding;
    assert.equal(db.stats().total, 1);
    await db.query({ deadline: Date.now() + 5_000 }, 'SELECT 1');
  });
});

function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 5432) };
}
