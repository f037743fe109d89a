import { writeFileSync } from 'node:fs';
import { createIdGenerator } from '@keelson/kit/ids';
import pg from 'pg';
import { placeOrderRaw } from './raw-order-transaction.ts';

/**
 * Pre-creates `count` orders (pending_payment, 1 line, quantity 1) for the payment scenario,
 * with the raw-SQL order transaction (the repository's own statements, bench/raw-order-transaction.ts)
 * on `concurrency` connections, rotating over the products. Setup only: nothing here is measured.
 * Writes `/v1/orders/{id}/payments`, one a line, to `pathsFile`, and returns the ids.
 */
export async function seedOrders(options: {
  readonly databaseUrl: string;
  readonly tenantId: string;
  readonly productIds: readonly string[];
  readonly count: number;
  readonly concurrency: number;
  readonly pathsFile: string;
}): Promise<string[]> {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.concurrency,
    connectionTimeoutMillis: 5_000,
    application_name: 'keelson-bench-seed',
  });
  pool.on('error', () => {});
  const newId = createIdGenerator();
  const ids: string[] = [];
  let next = 0;
  try {
    const worker = async (): Promise<void> => {
      while (next < options.count) {
        const productId = options.productIds[next++ % options.productIds.length] ?? '';
        ids.push(await placeOrderRaw(pool, newId, options.tenantId, [{ productId, quantity: 1 }]));
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    await pool.end();
  }
  writeFileSync(options.pathsFile, ids.map((id) => `/v1/orders/${id}/payments\n`).join(''));
  return ids;
}
