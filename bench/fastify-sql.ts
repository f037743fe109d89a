// Baseline C: the ceiling for a database-bound read. Bare Fastify, one route
// `GET /v1/products/:id`, a `pg` pool of the service's size running exactly the statement the
// service's cold read runs (imported from the adapter, so they cannot drift), the row as JSON.
// No auth, limiter, logging or metrics: that is what the service's cold read adds on top.
// The API-key read is not run: the service's key cache stays warm in the cold scenario
// (KEELSON_CACHE_ENABLED=false turns off the product cache only).
// Usage: node bench/fastify-sql.ts '<json FastifySqlSpec>'
import Fastify from 'fastify';
import pg from 'pg';
import { selectProductSql } from '../services/checkout/src/adapters/postgres/product.pg-repository.ts';

export interface FastifySqlSpec {
  readonly port: number;
  readonly databaseUrl: string;
  readonly tenantId: string;
  /** The service's KEELSON_DATABASE_POOL_MAX. */
  readonly poolMax: number;
}

/**
 * What the kit's pg database does once per pooled connection (its deadline bucket for the
 * default 5 s budget, ADR 0005) before the statement; steady state, it is one round trip per read.
 */
const statementTimeoutMs = 4_608;

// The spec is written by bench/run.ts (same repository), so it is trusted as typed.
const spec: FastifySqlSpec = JSON.parse(process.argv[2] ?? '{}');
const pool = new pg.Pool({ connectionString: spec.databaseUrl, max: spec.poolMax, application_name: 'bench-sql' });
const configured = new WeakSet<pg.PoolClient>();

const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>('/v1/products/:id', async (request, reply) => {
  const client = await pool.connect();
  try {
    if (!configured.has(client)) {
      await client.query(`SET statement_timeout = ${statementTimeoutMs}`);
      configured.add(client);
    }
    const { rows } = await client.query(selectProductSql, [spec.tenantId, request.params.id]);
    const row = rows[0];
    if (row === undefined) return reply.code(404).send({ error: 'not found' });
    return row;
  } finally {
    client.release();
  }
});
await app.listen({ host: '127.0.0.1', port: spec.port });

const shutdown = () => {
  void app
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
