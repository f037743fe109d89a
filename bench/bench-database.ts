import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { onCleanup } from './cleanup.ts';

/** A throwaway database `keelson_bench_<random>` on the server, dropped by the cleanup. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** `SELECT version()` of the server. */
  readonly serverVersion: string;
  drop(): Promise<void>;
}

/** Only loopback servers: every byte of bench traffic stays on 127.0.0.1. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`the bench only talks to 127.0.0.1; refusing database host '${host}'`);
  }
}

async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: adminUrl,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 30_000,
    application_name: 'keelson-bench-admin',
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  assertLoopback(adminUrl);
  // Lowercase hex only: a safe identifier, so it may be inlined (CREATE DATABASE takes no parameters).
  const name = `keelson_bench_${randomBytes(6).toString('hex')}`;
  // Registered before CREATE, so an interrupt during creation still drops it (IF EXISTS).
  const drop = onCleanup(`drop database ${name}`, () =>
    withAdminClient(adminUrl, async (client) => {
      // FORCE (PostgreSQL 13+) ends sessions a killed child may have left behind.
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }),
  );
  const serverVersion = await withAdminClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ version: string }>('SELECT version() AS version');
    await client.query(`CREATE DATABASE ${name}`);
    return rows[0]?.version ?? 'unknown';
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), serverVersion, drop };
}
