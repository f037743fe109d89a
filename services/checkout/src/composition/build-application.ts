import type { Database } from '@keelson/kit/db';
import { createIdGenerator } from '@keelson/kit/ids';
import { createAccessPgRepository } from '../adapters/postgres/access.pg-repository.ts';
import { createOrderPgRepository } from '../adapters/postgres/order.pg-repository.ts';
import { createProductPgRepository } from '../adapters/postgres/product.pg-repository.ts';
import { type Application, buildApplication } from '../app/application.ts';
import type { Config } from '../config.ts';

/** Wires the use cases to the PostgreSQL adapters (both engines share them). */
export function buildCheckoutApplication(db: Database, config: Pick<Config, 'orderTtlSeconds'>): Application {
  const newId = createIdGenerator();
  return buildApplication({
    products: createProductPgRepository(db, newId),
    orders: createOrderPgRepository(db, newId),
    access: createAccessPgRepository(db),
    clock: { now: () => new Date() },
    newId,
    orderTtlMs: config.orderTtlSeconds * 1_000,
  });
}
