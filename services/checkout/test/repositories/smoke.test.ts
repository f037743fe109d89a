import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContext, withTenant } from '@keelson/kit/context';
import { createIdGenerator } from '@keelson/kit/ids';
import pino from 'pino';
import { createAccessPgRepository } from '../../src/adapters/postgres/access.pg-repository.ts';
import { createOrderPgRepository } from '../../src/adapters/postgres/order.pg-repository.ts';
import { createProductPgRepository } from '../../src/adapters/postgres/product.pg-repository.ts';
import { buildApplication } from '../../src/app/application.ts';
import type {
  DeadLetterRepository,
  LedgerReader,
  OutboxAdmin,
  PaymentProvider,
  PaymentRepository,
  Shipping,
} from '../../src/app/ports.ts';
import type { EventReader, WebhookRepository, WebhookSettings } from '../../src/app/webhooks/ports.ts';
import { backends } from '../support/databases.ts';
import { unwired } from '../support/unwired.ts';

for (const backend of backends()) {
  describe(`smoke on ${backend.name}`, () => {
    it('creates a product and an order, cancels it', async () => {
      const { db } = await backend.open();
      const newId = createIdGenerator();
      const app = buildApplication({
        products: createProductPgRepository(db, newId),
        orders: createOrderPgRepository(db, newId),
        access: createAccessPgRepository(db),
        payments: unwired<PaymentRepository>('payments'),
        ledger: unwired<LedgerReader>('ledger'),
        deadLetters: unwired<DeadLetterRepository>('deadLetters'),
        provider: unwired<PaymentProvider>('provider'),
        shipping: unwired<Shipping>('shipping'),
        outbox: unwired<OutboxAdmin>('outbox'),
        clock: { now: () => new Date() },
        newId,
        orderTtlMs: 60_000,
        webhooks: unwired<WebhookRepository>('webhooks'),
        events: unwired<EventReader>('events'),
        webhookSettings: unwired<WebhookSettings>('webhookSettings'),
      });
      const base = createContext({ requestId: 'r1', timeoutMs: 5_000, logger: pino({ level: 'silent' }) });
      const tenant = await app.access.createTenant(base, { name: 'Acme' });
      const key = await app.access.createApiKey(base, { tenantId: tenant.id, scopes: ['read', 'write'] });
      const principal = await app.access.authenticate(base, key.token);
      const ctx = withTenant(base, principal.tenantId);
      const product = await app.commands.createProduct(ctx, {
        sku: 'A',
        name: 'A',
        unitAmount: 250,
        currency: 'EUR',
        stock: 3,
      });
      const order = await app.commands.placeOrder(ctx, { lines: [{ productId: product.id, quantity: 2 }] });
      assert.equal(order.amountTotal, 500);
      assert.equal((await app.queries.getProduct(ctx, product.id)).stock, 1);
      const cancelled = await app.commands.cancelOrder(ctx, order.id);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal((await app.queries.getProduct(ctx, product.id)).stock, 3);
      const list = await app.queries.listOrders(ctx, { limit: 10 });
      assert.equal(list.items.length, 1);
      assert.equal(list.items[0]?.lines.length, 1);
    });
  });
}
