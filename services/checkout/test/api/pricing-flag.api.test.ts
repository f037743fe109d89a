// The order-volume-pricing feature flag (issue 10 §6), through a real flag file in flagd's format:
// a tenant it targets gets the volume tier on new orders (domain/pricing.ts); every other tenant,
// and the targeted one below the tier, pays list prices exactly as before.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { type TestTenant, useTestService } from '../support/service.ts';
import { waitFor } from '../support/webhook-receiver.ts';

const dir = mkdtempSync(join(tmpdir(), 'keelson-flags-'));
const flagFile = join(dir, 'flags.json');
// On for the tenants in the list; the test writes the list once it knows the ids.
const writeFlags = (onFor: readonly string[]) =>
  writeFileSync(
    flagFile,
    JSON.stringify({
      flags: {
        'order-volume-pricing': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { if: [{ in: [{ var: 'tenant' }, onFor] }, 'on', 'off'] },
        },
      },
    }),
  );
writeFlags([]);
after(() => rmSync(dir, { recursive: true, force: true }));

for (const backend of backends().filter((b) => b.name === 'pglite')) {
  describe(`the order-volume-pricing flag on ${backend.name}`, () => {
    const service = useTestService(backend, { KEELSON_FLAGS_PATH: flagFile });

    /** Places `quantity` of a product at 19.99 and answers the order's total and unit price. */
    async function place(tenant: TestTenant, productId: string, quantity: number) {
      const order = await tenant.api.POST('/v1/orders', { body: { lines: [{ product_id: productId, quantity }] } });
      assert.ok(order.data, JSON.stringify(order.error));
      return { total: order.data.amount_total, unit: order.data.lines[0]?.unit_amount };
    }
    async function mug(tenant: TestTenant): Promise<string> {
      const product = await tenant.api.POST('/v1/products', {
        body: { sku: `mug-${tenant.tenantId}`, name: 'Mug', unit_amount: 1_999, currency: 'EUR', stock: 10_000 },
      });
      assert.ok(product.data, JSON.stringify(product.error));
      return product.data.id;
    }

    it('prices a targeted tenant’s large lines with the volume tier, and nobody else’s', async () => {
      const targeted = await service().newTenant();
      const other = await service().newTenant();
      const [targetedMug, otherMug] = [await mug(targeted), await mug(other)];
      assert.deepEqual(await place(targeted, targetedMug, 10), { total: 19_990, unit: 1_999 }, 'off by default');

      writeFlags([targeted.tenantId]);
      // The provider polls the file every second: an order priced at the tier shows the edit applied.
      await waitFor('the flag file edit to apply', async () => (await place(targeted, targetedMug, 10)).unit === 1_900);
      assert.deepEqual(await place(targeted, targetedMug, 10), { total: 19_000, unit: 1_900 }, '5 % off each unit');
      assert.deepEqual(await place(targeted, targetedMug, 9), { total: 17_991, unit: 1_999 }, 'below the tier: list');
      assert.deepEqual(await place(other, otherMug, 10), { total: 19_990, unit: 1_999 }, 'another tenant: list');
    });
  });
}
