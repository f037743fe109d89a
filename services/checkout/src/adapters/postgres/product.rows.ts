import type { Currency } from '../../domain/money.ts';
import type { ProductState } from '../../domain/product.ts';

export const productColumns = 'id, tenant_id, sku, name, unit_amount, currency, stock, version, created_at, updated_at';

export interface ProductRow {
  id: string;
  tenant_id: string;
  sku: string;
  name: string;
  unit_amount: number;
  currency: string;
  stock: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function productFromRow(row: ProductRow): ProductState {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    sku: row.sku,
    name: row.name,
    unitAmount: row.unit_amount,
    // Only validated currencies are ever written.
    currency: row.currency as Currency,
    stock: row.stock,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
