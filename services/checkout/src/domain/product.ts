import { fail } from './errors.ts';
import { type DomainEvent, domainEvent } from './events.ts';
import { assertAmount, assertSameCurrency, type Currency, parseCurrency } from './money.ts';
import { parseText, type TextRule } from './text.ts';

/**
 * The most stock a create or change may set. Stored stock is `bigint` with only `>= 0` in SQL:
 * cancelling orders placed before a restock to this limit gives their stock back on top of it.
 */
export const maxStock = 1_000_000_000;

/** SQL repeats these limits as CHECKs (001.do.foundation.sql); a contract test keeps them equal. */
export const skuText: TextRule = { kind: 'identifier', maxLength: 100 };
export const productNameText: TextRule = { kind: 'name', maxLength: 200 };

export interface ProductState {
  readonly id: string;
  readonly tenantId: string;
  readonly sku: string;
  readonly name: string;
  readonly unitAmount: number;
  readonly currency: Currency;
  readonly stock: number;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewProduct {
  readonly id: string;
  readonly tenantId: string;
  readonly sku: string;
  readonly name: string;
  readonly unitAmount: number;
  readonly currency: string;
  readonly stock: number;
  readonly now: Date;
}

export interface ProductChanges {
  readonly name?: string;
  readonly unitAmount?: number;
  /** The currency the caller priced `unitAmount` in (API v2): it must be the product's, which never changes. */
  readonly currency?: string;
  readonly stock?: number;
}

export type ProductEvent = DomainEvent<'product.created' | 'product.updated', ProductState>;

function assertStock(stock: number): number {
  if (!Number.isSafeInteger(stock) || stock < 0 || stock > maxStock) {
    fail('invalid', 'invalid_request', `stock must be an integer between 0 and ${maxStock}.`);
  }
  return stock;
}

/** A catalog entry. Immutable: changes return a new Product and the event describing them. */
export class Product {
  readonly #state: ProductState;

  private constructor(state: ProductState) {
    this.#state = state;
  }

  static create(input: NewProduct): { product: Product; event: ProductEvent } {
    const product = new Product({
      id: input.id,
      tenantId: input.tenantId,
      sku: parseText(input.sku, skuText, 'sku'),
      name: parseText(input.name, productNameText, 'name'),
      unitAmount: assertAmount(input.unitAmount, 'unit_amount'),
      currency: parseCurrency(input.currency),
      stock: assertStock(input.stock),
      version: 1,
      createdAt: input.now,
      updatedAt: input.now,
    });
    return { product, event: domainEvent('product', 'product.created', product.#state) };
  }

  /** Rehydration from storage only: rows were validated when written. */
  static fromRow(state: ProductState): Product {
    return new Product(state);
  }

  get state(): ProductState {
    return this.#state;
  }

  /** Applies a patch if `expectedVersion` is current; a stale version is a conflict. */
  change(changes: ProductChanges, expectedVersion: number, now: Date): { product: Product; event: ProductEvent } {
    assertSameCurrency(changes.currency, this.#state.currency, `Product ${this.#state.id}`);
    if (expectedVersion !== this.#state.version) {
      fail(
        'conflict',
        'version_conflict',
        `Product ${this.#state.id} is at version ${this.#state.version}, not ${expectedVersion}.`,
      );
    }
    const next: ProductState = {
      ...this.#state,
      name: changes.name === undefined ? this.#state.name : parseText(changes.name, productNameText, 'name'),
      unitAmount:
        changes.unitAmount === undefined ? this.#state.unitAmount : assertAmount(changes.unitAmount, 'unit_amount'),
      stock: changes.stock === undefined ? this.#state.stock : assertStock(changes.stock),
      version: this.#state.version + 1,
      updatedAt: now,
    };
    return { product: new Product(next), event: domainEvent('product', 'product.updated', next) };
  }
}
