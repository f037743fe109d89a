// POST /v1/orders/{id}/payments and the payment reads, through real HTTP, over PGlite and real
// PostgreSQL, with a psp-sim the suite owns as the provider: every claim about money is
// checked on both sides, in our rows and in the simulator's ledger. Over 300 lines on purpose:
// one service and one simulator per backend serve every case (refunds and faults have their own files).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { journalFileName } from '@keelson/psp-sim';
import { assertProblem, createExchangeLog } from '../support/api-checks.ts';
import { backends } from '../support/databases.ts';
import { startTestService, useTestServiceWithPsp } from '../support/service.ts';
import {
  extraKey,
  intentsOf,
  newKey,
  onlyIntentOf,
  orderOf,
  orderToPay,
  outboxTypes,
  paidOrder,
  pay,
  paymentOf,
  paymentsOfOrder,
  rawPost,
  refund,
  snapshotPaymentRows,
  withoutProviderCall,
} from './payment-fixtures.ts';

const declines = [
  ['pm_card_chargeDeclined', 'generic_decline'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
  ['pm_card_chargeDeclinedExpiredCard', 'expired_card'],
] as const;

for (const backend of backends()) {
  describe(`payments API on ${backend.name}`, () => {
    const service = useTestServiceWithPsp(backend);
    const log = createExchangeLog();

    async function tenant(scopes?: readonly string[]) {
      const created = await service().newTenant(scopes);
      created.api.use(log.middleware);
      return created;
    }

    it('pm_card_visa: 201 succeeded, order paid, both events in the outbox, one PaymentIntent naming our id', async () => {
      const { api, token, tenantId } = await tenant();
      const order = await orderToPay(api, 1500, 2);
      const started = Date.now();
      const created = await pay(api, order.id, 'pm_card_visa', newKey('pay'));
      assert.equal(created.response.status, 201, JSON.stringify(created.error));
      const payment = created.data ?? assert.fail('a payment');
      assert.match(payment.id, /^pay_[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.deepEqual(
        { ...payment, created_at: '', updated_at: '' },
        {
          object: 'payment',
          id: payment.id,
          order_id: order.id,
          amount: 3000,
          currency: 'USD',
          status: 'succeeded',
          amount_refunded: 0,
          payment_method: 'pm_card_visa',
          failure_code: null,
          failure_message: null,
          decline_code: null,
          created_at: '',
          updated_at: '',
        },
      );
      assert.ok(Date.parse(payment.created_at) >= started - 1_000);
      assert.equal(created.response.headers.get('location'), `/v1/payments/${payment.id}`);
      assert.equal((await orderOf(api, order.id)).status, 'paid');
      assert.deepEqual(await outboxTypes(service().database.db, tenantId), [
        'product.created',
        'order.created',
        'payment.succeeded',
        'order.paid',
      ]);

      const intent = await onlyIntentOf(service().psp, payment.id);
      assert.equal(intent.status, 'succeeded');
      assert.equal(intent.amount, 3000);
      assert.equal(intent.currency.toUpperCase(), 'USD');
      assert.equal(intent.metadata.keelson_payment_id, payment.id);

      // Read back: by id, and in the order's list (over raw HTTP too, with the creating key).
      assert.deepEqual(await paymentOf(api, payment.id), payment);
      assert.deepEqual(await paymentsOfOrder(api, order.id), [payment]);
      const listed = await fetch(`${service().apiUrl}/v1/payments?order_id=${order.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(listed.status, 200);
      assert.deepEqual(await listed.json(), { object: 'list', data: [payment], has_more: false });
    });

    for (const [paymentMethod, declineCode] of declines) {
      it(`${paymentMethod}: 402 card_declined (${declineCode}, payment_id), order still payable with pm_card_visa and a new key`, async () => {
        const { api, tenantId } = await tenant();
        const order = await orderToPay(api);
        const declined = await pay(api, order.id, paymentMethod, newKey('declined'));
        const problem = assertProblem(log, declined, { status: 402, code: 'card_declined' });
        const body: Record<string, unknown> = JSON.parse(log.bodyOf(declined.response));
        assert.equal(body.decline_code, declineCode);
        assert.equal(typeof body.payment_id, 'string');
        assert.equal(declined.response.headers.get('location'), null);
        const failed = await paymentOf(api, String(body.payment_id));
        assert.equal(failed.status, 'failed');
        assert.equal(failed.failure_code, 'card_declined');
        assert.equal(failed.decline_code, declineCode);
        assert.equal(failed.failure_message, problem.detail);
        assert.equal((await orderOf(api, order.id)).status, 'pending_payment');
        assert.deepEqual(await outboxTypes(service().database.db, tenantId), [
          'product.created',
          'order.created',
          'payment.failed',
        ]);
        for (const intent of await intentsOf(service().psp, failed.id)) assert.notEqual(intent.status, 'succeeded');

        const retried = await pay(api, order.id, 'pm_card_visa', newKey('after-decline'));
        assert.equal(retried.response.status, 201, JSON.stringify(retried.error));
        assert.equal(retried.data?.status, 'succeeded');
        assert.notEqual(retried.data?.id, failed.id);
        assert.equal((await orderOf(api, order.id)).status, 'paid');
        assert.equal((await onlyIntentOf(service().psp, retried.data?.id ?? '')).status, 'succeeded');
        assert.deepEqual(
          (await paymentsOfOrder(api, order.id)).map((p) => p.status),
          ['succeeded', 'failed'],
          'newest first',
        );
      });
    }

    // 201, not 402 or 202: the payment was created and is final (nothing here completes the
    // customer's authentication); its status says what the client must do. The order stays
    // payable, and `requires_action` does not block another payment (only pending/succeeded do).
    it('pm_card_authenticationRequired: 201 requires_action, order still pending_payment and payable again', async () => {
      const { api, tenantId } = await tenant();
      const order = await orderToPay(api);
      const waiting = await pay(api, order.id, 'pm_card_authenticationRequired', newKey('3ds'));
      assert.equal(waiting.response.status, 201, JSON.stringify(waiting.error));
      const payment = waiting.data ?? assert.fail('a payment');
      assert.equal(payment.status, 'requires_action');
      assert.equal(payment.failure_code, null);
      assert.equal(waiting.response.headers.get('location'), `/v1/payments/${payment.id}`);
      assert.equal((await onlyIntentOf(service().psp, payment.id)).status, 'requires_action');
      assert.equal((await orderOf(api, order.id)).status, 'pending_payment');
      assert.deepEqual(await outboxTypes(service().database.db, tenantId), [
        'product.created',
        'order.created',
        'payment.requires_action',
      ]);

      const paid = await pay(api, order.id, 'pm_card_visa', newKey('after-3ds'));
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
      assert.equal(paid.data?.status, 'succeeded');
      assert.equal((await orderOf(api, order.id)).status, 'paid');
    });

    it('a well-formed but unknown payment method: 400 invalid_payment_method, nothing charged, order payable', async () => {
      const { api } = await tenant();
      const order = await orderToPay(api);
      const refused = await pay(api, order.id, 'pm_card_noSuchCard', newKey('unknown-pm'));
      assertProblem(log, refused, { status: 400, code: 'invalid_payment_method' });
      const [payment] = await paymentsOfOrder(api, order.id);
      assert.equal(payment?.status, 'failed');
      assert.equal(payment?.failure_code, 'invalid_payment_method');
      assert.deepEqual(await intentsOf(service().psp, payment?.id ?? ''), [], 'no PaymentIntent was created');
      assert.equal((await orderOf(api, order.id)).status, 'pending_payment');
      const paid = await pay(api, order.id, 'pm_card_visa', newKey('after-unknown-pm'));
      assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
    });

    it('the same key again: byte-identical answer with Idempotent-Replayed: true, one PaymentIntent', async () => {
      const { api, token } = await tenant();
      const order = await orderToPay(api);
      const key = newKey('replay');
      const path = `/v1/orders/${order.id}/payments`;
      const first = await rawPost(
        service(),
        token,
        path,
        { payment_method: 'pm_card_visa' },
        { 'idempotency-key': key },
      );
      assert.equal(first.status, 201, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await withoutProviderCall(service().psp, () =>
        rawPost(service(), token, path, { payment_method: 'pm_card_visa' }, { 'idempotency-key': key }),
      );
      assert.equal(again.status, 201);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.headers.get('location'), first.headers.get('location'));
      assert.equal(again.headers.get('content-type'), first.headers.get('content-type'));
      await onlyIntentOf(service().psp, JSON.parse(first.text).id);
    });

    it('a decline is final too: the same key replays the 402 byte for byte, without a second attempt', async () => {
      const { api, token } = await tenant();
      const order = await orderToPay(api);
      const key = newKey('replay-decline');
      const path = `/v1/orders/${order.id}/payments`;
      const body = { payment_method: 'pm_card_chargeDeclined' };
      const first = await rawPost(service(), token, path, body, { 'idempotency-key': key });
      assert.equal(first.status, 402, first.text);
      const again = await withoutProviderCall(service().psp, () =>
        rawPost(service(), token, path, body, { 'idempotency-key': key }),
      );
      assert.equal(again.status, 402);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal((await paymentsOfOrder(api, order.id)).length, 1);
    });

    it('the same key with another body or another order: 422 idempotency_key_reused, nothing charged', async () => {
      const { api, tenantId } = await tenant();
      const order = await orderToPay(api);
      const other = await orderToPay(api);
      const key = newKey('reuse');
      assert.equal((await pay(api, order.id, 'pm_card_visa', key)).response.status, 201);
      const before = await snapshotPaymentRows(service().database.db, [tenantId]);
      await withoutProviderCall(service().psp, async () => {
        assertProblem(log, await pay(api, order.id, 'pm_card_mastercard', key), {
          status: 422,
          code: 'idempotency_key_reused',
        });
        assertProblem(log, await pay(api, other.id, 'pm_card_visa', key), {
          status: 422,
          code: 'idempotency_key_reused',
        });
      });
      assert.deepEqual(await snapshotPaymentRows(service().database.db, [tenantId]), before);
      assert.equal((await orderOf(api, other.id)).status, 'pending_payment');
    });

    it('no Idempotency-Key: 400 idempotency_key_required, nothing recorded, provider not called', async () => {
      const { api, tenantId } = await tenant();
      const order = await orderToPay(api);
      const before = await snapshotPaymentRows(service().database.db, [tenantId]);
      await withoutProviderCall(service().psp, async () => {
        const missing = await api.POST('/v1/orders/{id}/payments', {
          // The generated type requires the header; leaving it out is the point.
          params: { path: { id: order.id } } as never,
          body: { payment_method: 'pm_card_visa' },
        });
        assertProblem(log, missing, { status: 400, code: 'idempotency_key_required' });
      });
      assert.deepEqual(await snapshotPaymentRows(service().database.db, [tenantId]), before);
    });

    it('a second payment with another key once one succeeded: 409 order_already_paid, no second charge', async () => {
      const { api, tenantId } = await tenant();
      const { order, payment } = await paidOrder(api);
      const before = await snapshotPaymentRows(service().database.db, [tenantId]);
      await withoutProviderCall(service().psp, async () => {
        assertProblem(log, await pay(api, order.id, 'pm_card_mastercard', newKey('second')), {
          status: 409,
          code: 'order_already_paid',
        });
      });
      const after = await snapshotPaymentRows(service().database.db, [tenantId]);
      // Only the stored answer of the refused key is new.
      assert.deepEqual({ ...after, idempotency_keys: [] }, { ...before, idempotency_keys: [] });
      assert.deepEqual(await paymentsOfOrder(api, order.id), [payment]);
    });

    it('a cancelled order: 409 order_not_payable, no payment, provider not called', async () => {
      const { api } = await tenant();
      const order = await orderToPay(api);
      const cancelled = await api.POST('/v1/orders/{id}/cancel', { params: { path: { id: order.id } } });
      assert.equal(cancelled.data?.status, 'cancelled');
      await withoutProviderCall(service().psp, async () => {
        assertProblem(log, await pay(api, order.id, 'pm_card_visa', newKey('cancelled')), {
          status: 409,
          code: 'order_not_payable',
        });
      });
      assert.deepEqual(await paymentsOfOrder(api, order.id), []);
    });

    it('a read-only key reads payments and refunds but cannot pay or refund (403 insufficient_scope)', async () => {
      const owner = await tenant();
      const reader = await extraKey(service(), owner, ['read']);
      reader.use(log.middleware);
      const { order, payment } = await paidOrder(owner.api);
      const refunded = await refund(owner.api, payment.id, { amount: 100 }, newKey('refund'));
      assert.equal(refunded.response.status, 201, JSON.stringify(refunded.error));
      const unpaid = await orderToPay(owner.api);
      const before = await snapshotPaymentRows(service().database.db, [owner.tenantId]);
      await withoutProviderCall(service().psp, async () => {
        assertProblem(log, await pay(reader, unpaid.id, 'pm_card_visa', newKey('ro-pay')), {
          status: 403,
          code: 'insufficient_scope',
        });
        assertProblem(log, await refund(reader, payment.id, { amount: 100 }, newKey('ro-refund')), {
          status: 403,
          code: 'insufficient_scope',
        });
      });
      assert.deepEqual(await snapshotPaymentRows(service().database.db, [owner.tenantId]), before);

      assert.equal((await paymentOf(reader, payment.id)).amount_refunded, 100);
      assert.deepEqual(
        (await reader.GET('/v1/payments', { params: { query: { order_id: order.id } } })).data?.data.map((p) => p.id),
        [payment.id],
      );
      const refunds = await reader.GET('/v1/payments/{id}/refunds', { params: { path: { id: payment.id } } });
      assert.deepEqual(refunds.data, { object: 'list', data: [refunded.data], has_more: false });
      const one = await reader.GET('/v1/refunds/{id}', { params: { path: { id: refunded.data?.id ?? '' } } });
      assert.deepEqual(one.data, refunded.data);
    });

    it("another tenant's order, payment and refund ids answer 404, and change nothing", async () => {
      const owner = await tenant();
      const intruder = await tenant();
      const { order, payment } = await paidOrder(owner.api);
      const made = await refund(owner.api, payment.id, { amount: 500 }, newKey('refund'));
      const refundId = made.data?.id ?? assert.fail('a refund');
      const unpaid = await orderToPay(owner.api);
      const tenants = [owner.tenantId, intruder.tenantId];
      const before = await snapshotPaymentRows(service().database.db, tenants);
      const path = (id: string) => ({ params: { path: { id } } });
      await withoutProviderCall(service().psp, async () => {
        const api = intruder.api;
        const notFound = (code: string) => ({ status: 404, code });
        assertProblem(log, await api.GET('/v1/payments/{id}', path(payment.id)), notFound('payment_not_found'));
        assertProblem(log, await api.GET('/v1/payments/{id}/refunds', path(payment.id)), notFound('payment_not_found'));
        assertProblem(log, await api.GET('/v1/refunds/{id}', path(refundId)), notFound('refund_not_found'));
        assertProblem(
          log,
          await refund(api, payment.id, { amount: 1 }, newKey('steal')),
          notFound('payment_not_found'),
        );
        assertProblem(log, await pay(api, unpaid.id, 'pm_card_visa', newKey('steal')), notFound('order_not_found'));
        const listed = await api.GET('/v1/payments', { params: { query: { order_id: order.id } } });
        assert.deepEqual(listed.data, { object: 'list', data: [], has_more: false });
      });
      const after = await snapshotPaymentRows(service().database.db, tenants);
      assert.deepEqual({ ...after, idempotency_keys: [] }, { ...before, idempotency_keys: [] });
      assert.equal((await orderOf(owner.api, unpaid.id)).status, 'pending_payment');
    });

    it('lists every payment of the tenant, newest first, paged by cursor', async () => {
      const { api } = await tenant();
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) ids.unshift((await paidOrder(api)).payment.id);
      const first = await api.GET('/v1/payments', { params: { query: { limit: 2 } } });
      assert.deepEqual(
        first.data?.data.map((p) => p.id),
        ids.slice(0, 2),
      );
      assert.equal(first.data?.has_more, true);
      const rest = await api.GET('/v1/payments', { params: { query: { limit: 2, starting_after: ids[1] ?? '' } } });
      assert.deepEqual(
        rest.data?.data.map((p) => p.id),
        ids.slice(2),
      );
      assert.equal(rest.data?.has_more, false);
    });
  });
}

describe('the in-process simulator of the test service (no KEELSON_PSP_URL)', () => {
  it('journals under the service data directory, which stop() removes', async () => {
    const embedded = backends().find((b) => b.name === 'pglite') ?? assert.fail('no embedded backend');
    const service = await startTestService(embedded);
    let stopped = false;
    try {
      const { api } = await service.newTenant();
      const { payment } = await paidOrder(api);
      const journal = join(service.dataDir, 'psp-sim', journalFileName);
      assert.ok(existsSync(journal), `${journal} exists`);
      assert.match(readFileSync(journal, 'utf8'), new RegExp(payment.id), 'the charge is in the journal');
      await service.stop();
      stopped = true;
      assert.equal(existsSync(service.dataDir), false, 'the data directory is gone');
    } finally {
      if (!stopped) await service.stop();
    }
  });
});
