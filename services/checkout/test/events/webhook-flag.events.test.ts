// The webhook-delivery feature flag (issue 10 §6), through a real flag file in flagd's format:
// switched off for a tenant, its events still flow (fulfilment runs) but make no deliveries;
// another tenant's endpoint still gets its events.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { newKey, orderToPay } from '../api/payment-fixtures.ts';
import { backends } from '../support/databases.ts';
import { useTestService } from '../support/service.ts';
import { startWebhookReceiver, waitFor } from '../support/webhook-receiver.ts';

const dir = mkdtempSync(join(tmpdir(), 'keelson-flags-'));
const flagFile = join(dir, 'flags.json');
// Off for tenants whose id is in the list; the test writes the list once it knows the ids.
const writeFlags = (offFor: readonly string[]) =>
  writeFileSync(
    flagFile,
    JSON.stringify({
      flags: {
        'webhook-delivery': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'on',
          targeting: { if: [{ in: [{ var: 'tenant' }, offFor] }, 'off', 'on'] },
        },
      },
    }),
  );
writeFlags([]);
after(() => rmSync(dir, { recursive: true, force: true }));

for (const backend of backends().filter((b) => b.name === 'pglite')) {
  describe(`the webhook-delivery flag on ${backend.name}`, () => {
    const service = useTestService(
      backend,
      {
        KEELSON_FLAGS_PATH: flagFile,
        KEELSON_WEBHOOKS_ALLOW_HTTP: 'true',
        KEELSON_WEBHOOKS_ALLOWLIST: '127.0.0.1',
        KEELSON_WEBHOOKS_SECRET_KEY: randomBytes(32).toString('hex'),
        KEELSON_FULFILLMENT_DELAY_MS: '10',
      },
      'all',
    );

    it('a tenant switched off gets no deliveries while another still does', async () => {
      const receiver = await startWebhookReceiver(() => 200);
      after(() => receiver.close());
      const off = await service().newTenant();
      const on = await service().newTenant();
      writeFlags([off.tenantId]);
      // The provider polls the file every second: a probe order shows when the edit applied.
      const hooks: { id: string }[] = [];
      for (const tenant of [off, on]) {
        const hook = await tenant.api.POST('/v1/webhook_endpoints', {
          body: { url: `${receiver.url}/${tenant.tenantId}`, enabled_events: ['order.paid'] },
        });
        assert.ok(hook.data, JSON.stringify(hook.error));
        hooks.push(hook.data);
      }
      const pay = async (tenant: typeof off) => {
        const order = await orderToPay(tenant.api);
        const paid = await tenant.api.POST('/v1/orders/{id}/payments', {
          params: { path: { id: order.id }, header: { 'Idempotency-Key': newKey('flag') } },
          body: { payment_method: 'pm_card_visa' },
        });
        assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
      };
      const { db } = service().database;
      const scope = () => ({ deadline: Date.now() + 5_000 });
      const deliveriesOf = async (endpointId: string | undefined) => {
        const { rows } = await db.query<{ n: string }>(
          scope(),
          'SELECT count(*)::text AS n FROM webhook_deliveries WHERE endpoint_id = $1',
          [endpointId],
        );
        return Number(rows[0]?.n);
      };
      // A probe payment per round: once the edit applied, the off tenant's order.paid makes no delivery.
      await waitFor('the flag file edit to apply', async () => {
        const before = await deliveriesOf(hooks[0]?.id);
        await pay(off);
        // Every event published = every consumer handled it (the in-process bus acknowledges after).
        await waitFor('the events to be handled', async () => {
          return (await db.query(scope(), 'SELECT 1 FROM outbox WHERE published_at IS NULL')).rows.length === 0;
        });
        return (await deliveriesOf(hooks[0]?.id)) === before;
      });
      await pay(on);
      await waitFor('the on tenant to receive order.paid', () =>
        receiver.received.some((r) => r.path.endsWith(on.tenantId)),
      );
    });
  });
}
