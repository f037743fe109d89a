import type { RequestContext } from '@keelson/kit/context';
import { type Database, isUniqueViolation } from '@keelson/kit/db';
import type { IdGenerator } from '@keelson/kit/ids';
import type { Page, PageRequest, ProductRepository } from '../../app/ports.ts';
import { fail } from '../../domain/errors.ts';
import { Product, type ProductEvent, type ProductState } from '../../domain/product.ts';
import { pageOf, tenantListRows } from './cursor.ts';
import { appendToOutbox, eventHeaders } from './outbox.ts';
import { type ProductRow, productColumns, productFromRow } from './product.rows.ts';

/** One product by tenant and id: `get`'s only statement (bench/fastify-sql.ts runs it too, so they cannot drift). */
export const selectProductSql = `SELECT ${productColumns} FROM products WHERE tenant_id = $1 AND id = $2`;

export function createProductPgRepository(db: Database, newId: IdGenerator): ProductRepository {
  return {
    async insert(ctx: RequestContext, product: Product, event: ProductEvent) {
      const p = product.state;
      try {
        await db.transaction(ctx, async (tx) => {
          await tx.query(`INSERT INTO products (${productColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
            p.id,
            p.tenantId,
            p.sku,
            p.name,
            p.unitAmount,
            p.currency,
            p.stock,
            p.version,
            p.createdAt,
            p.updatedAt,
          ]);
          await appendToOutbox(tx, newId, p.tenantId, [event], eventHeaders(ctx));
        });
      } catch (error) {
        if (isUniqueViolation(error, 'products_tenant_sku_key')) {
          fail('conflict', 'sku_taken', `A product with sku ${JSON.stringify(p.sku)} already exists.`, error);
        }
        throw error;
      }
    },

    async get(ctx, tenantId, id) {
      const { rows } = await db.query<ProductRow>(ctx, selectProductSql, [tenantId, id]);
      return rows[0] && productFromRow(rows[0]);
    },

    async list(ctx, tenantId, page: PageRequest): Promise<Page<ProductState>> {
      // Ids are time-sortable, so id order is creation order.
      const rows = await tenantListRows<ProductRow>(db, ctx, {
        table: 'products',
        prefix: 'prod',
        tenantId,
        startingAfter: page.startingAfter,
        pageSql: `SELECT ${productColumns} FROM products
                  WHERE tenant_id = $1 AND ($2::text IS NULL OR id < $2)
                  ORDER BY id DESC LIMIT $3`,
        params: [page.limit + 1],
      });
      return pageOf(rows.map(productFromRow), page.limit);
    },

    update(ctx, tenantId, id, change) {
      return db.transaction(ctx, async (tx) => {
        // NO KEY UPDATE (no key changes): it does not wait on order lines' foreign-key KEY SHARE locks.
        const { rows } = await tx.query<ProductRow>(
          `SELECT ${productColumns} FROM products WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE`,
          [tenantId, id],
        );
        if (!rows[0]) fail('not_found', 'product_not_found', `No such product: ${id}.`);
        const { product, event } = change(Product.fromRow(productFromRow(rows[0])));
        const p = product.state;
        await tx.query(
          `UPDATE products SET name = $3, unit_amount = $4, stock = $5, version = $6, updated_at = $7
           WHERE tenant_id = $1 AND id = $2`,
          [tenantId, id, p.name, p.unitAmount, p.stock, p.version, p.updatedAt],
        );
        await appendToOutbox(tx, newId, tenantId, [event], eventHeaders(ctx));
        return p;
      });
    },
  };
}
