import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type Backend, backends } from '../support/databases.ts';
import {
  assertSettledOnce,
  call,
  leavePaymentPending,
  refundAtProvider,
  type Shop,
} from '../support/pending-payments.ts';
import { type TestService, useTestServiceWithPsp } from '../support/service.ts';

// POST /admin/payments/reconcile and GET /admin/ledger/verify, and the periodic reconcile, on
// the whole service in-process over a psp-sim the suite owns (so it can hang the provider and
// refund behind Keelson's back).

/** The suite's service over its own psp-sim, and a fresh tenant of it. */
function useServiceWithSim(backend: Backend, env: Record<string, string>, role: 'api' | 'all' = 'api') {
  const service = useTestServiceWithPsp(backend, env, role);
  return async (): Promise<{ service: TestService; simUrl: string; shop: Shop; tenantId: string }> => {
    const tenant = await service().newTenant();
    const shop = { apiUrl: service().apiUrl, token: tenant.token };
    return { service: service(), simUrl: service().psp.url, shop, tenantId: tenant.tenantId };
  };
}

for (const backend of backends()) {
  describe(`admin payments reconcile and ledger verify (${backend.name})`, () => {
    // No periodic run: the test decides when reconcile happens.
    const setup = useServiceWithSim(backend, { KEELSON_RECONCILE_INTERVAL_MS: '0' });

    it('settles a payment left pending once, then the ledger agrees until the provider refunds on its own', async () => {
      const { service, simUrl, shop, tenantId } = await setup();
      const pending = await leavePaymentPending(shop, simUrl);

      // Younger than the default minimum age: left alone.
      const tooYoung = await service.admin('POST', '/payments/reconcile');
      assert.equal(tooYoung.status, 200, JSON.stringify(tooYoung.body));
      assert.deepEqual(tooYoung.body.payments, { pending: 0, settled: 0, failed: 0 });

      const reconciled = await service.admin('POST', '/payments/reconcile', { min_age_ms: 0, limit: 10 });
      assert.equal(reconciled.status, 200, JSON.stringify(reconciled.body));
      assert.deepEqual(reconciled.body, {
        object: 'reconcile_report',
        payments: { pending: 1, settled: 1, failed: 0 },
        refunds: { pending: 0, settled: 0, failed: 0 },
      });
      const intentId = await assertSettledOnce(shop, simUrl, pending);

      const verified = await service.admin('GET', '/ledger/verify');
      assert.equal(verified.status, 200);
      assert.deepEqual(verified.body, {
        object: 'ledger_report',
        ok: true,
        currencies: [{ currency: 'EUR', debits: 1500, credits: 1500, balanced: true }],
        checked_payments: 1,
        discrepancies: [],
      });

      await refundAtProvider(simUrl, intentId, 300);
      const disagrees = await service.admin('GET', '/ledger/verify');
      assert.equal(disagrees.status, 200, 'a finding, not a failed request');
      assert.equal(disagrees.body.ok, false);
      assert.deepEqual(disagrees.body.discrepancies, [
        {
          kind: 'refund_mismatch',
          payment_id: pending.paymentId,
          tenant_id: tenantId,
          provider_payment_id: intentId,
          currency: 'EUR',
          ours: 0,
          theirs: 300,
          detail: 'refunded 0, provider refunded 300',
        },
      ]);
    });

    it('refuses reconcile options out of range, changing nothing', async () => {
      const { service, simUrl, shop } = await setup();
      const pending = await leavePaymentPending(shop, simUrl);
      const refusedBodies = [
        { min_age_ms: 0, limit: 0 },
        { min_age_ms: 0, limit: 1001 },
        { min_age_ms: -1 },
        { min_age_ms: 1.5 },
        { min_age_ms: 0, other: 1 },
      ];
      for (const body of refusedBodies) {
        const refused = await service.admin('POST', '/payments/reconcile', body);
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.body.code, 'invalid_request');
      }
      assert.equal((await call(shop, 'GET', `/v1/payments/${pending.paymentId}`)).json.status, 'pending');
    });
  });

  describe(`periodic reconcile by the worker's schedule (${backend.name})`, () => {
    // Requests last at most 1 s, so a payment pending for 1 s + the 2 s margin is no one's.
    const setup = useServiceWithSim(
      backend,
      {
        KEELSON_RECONCILE_INTERVAL_MS: '100',
        KEELSON_REQUEST_TIMEOUT_MS: '1000',
        KEELSON_MAX_REQUEST_TIMEOUT_MS: '1000',
      },
      // The reconcile schedule runs where the jobs run: the worker and all roles.
      'all',
    );

    it('settles a payment left pending once it is older than the longest request', { timeout: 20_000 }, async () => {
      const { simUrl, shop } = await setup();
      const started = Date.now();
      const pending = await leavePaymentPending(shop, simUrl);
      let status: unknown;
      while (Date.now() - started < 15_000) {
        status = (await call(shop, 'GET', `/v1/payments/${pending.paymentId}`)).json.status;
        if (status !== 'pending') break;
        await delay(100);
      }
      assert.equal(status, 'succeeded');
      assert.ok(Date.now() - started >= 3_000, 'not before it was 1 s + 2 s old');
      await assertSettledOnce(shop, simUrl, pending);
    });
  });
}
