// POST /v1/payments/{id}/refunds and the refund reads, over PGlite and real PostgreSQL, with a
// psp-sim the suite owns: the sum of refunds never passes the capture, on our side and on the
// provider's, whatever the concurrency.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertProblem, createExchangeLog } from '../support/api-checks.ts';
import { backends } from '../support/databases.ts';
import { useTestServiceWithPsp } from '../support/service.ts';
import {
  newKey,
  onlyIntentOf,
  orderOf,
  orderToPay,
  outboxTypes,
  paidOrder,
  pay,
  paymentOf,
  providerRefundsOf,
  rawPost,
  refund,
  snapshotPaymentRows,
  withoutProviderCall,
} from './payment-fixtures.ts';

for (const backend of backends()) {
  describe(`refunds API on ${backend.name}`, () => {
    const service = useTestServiceWithPsp(backend);
    const log = createExchangeLog();

    async function tenant() {
      const created = await service().newTenant();
      created.api.use(log.middleware);
      return created;
    }

    it('a partial refund, then the default (what remains): partially_refunded → refunded, on both sides', async () => {
      const { api, tenantId } = await tenant();
      const { order, payment } = await paidOrder(api, 1500, 2);
      const intent = await onlyIntentOf(service().psp, payment.id);

      const partial = await refund(api, payment.id, { amount: 1000, reason: 'One mug arrived broken' }, newKey('r1'));
      assert.equal(partial.response.status, 201, JSON.stringify(partial.error));
      const first = partial.data ?? assert.fail('a refund');
      assert.match(first.id, /^re_[0-9A-HJKMNP-TV-Z]{26}$/);
      assert.deepEqual(
        { ...first, created_at: '', updated_at: '' },
        {
          object: 'refund',
          id: first.id,
          payment_id: payment.id,
          order_id: order.id,
          amount: 1000,
          currency: 'USD',
          status: 'succeeded',
          reason: 'One mug arrived broken',
          failure_code: null,
          failure_message: null,
          created_at: '',
          updated_at: '',
        },
      );
      assert.equal(partial.response.headers.get('location'), `/v1/refunds/${first.id}`);
      assert.equal((await paymentOf(api, payment.id)).amount_refunded, 1000);
      assert.equal((await orderOf(api, order.id)).status, 'partially_refunded');
      assert.equal((await onlyIntentOf(service().psp, payment.id)).amount_refunded, 1000);
      assert.deepEqual(
        (await providerRefundsOf(service().psp, intent.id)).map((r) => [r.amount, r.status]),
        [[1000, 'succeeded']],
      );

      const rest = await refund(api, payment.id, {}, newKey('r2'));
      assert.equal(rest.response.status, 201, JSON.stringify(rest.error));
      assert.equal(rest.data?.amount, 2000, 'the default is what remains');
      assert.equal(rest.data?.reason, null);
      assert.equal((await paymentOf(api, payment.id)).amount_refunded, 3000);
      assert.equal((await orderOf(api, order.id)).status, 'refunded');
      assert.equal((await onlyIntentOf(service().psp, payment.id)).amount_refunded, 3000);
      assert.deepEqual(await outboxTypes(service().database.db, tenantId), [
        'product.created',
        'order.created',
        'payment.succeeded',
        'order.paid',
        'refund.succeeded',
        'order.partially_refunded',
        'refund.succeeded',
        'order.refunded',
      ]);

      const listed = await api.GET('/v1/payments/{id}/refunds', { params: { path: { id: payment.id } } });
      assert.deepEqual(listed.data, { object: 'list', data: [rest.data, first], has_more: false }, 'newest first');
      const read = await api.GET('/v1/refunds/{id}', { params: { path: { id: first.id } } });
      assert.deepEqual(read.data, first);
    });

    it('no body at all is a full refund', async () => {
      const { api, token } = await tenant();
      const { payment } = await paidOrder(api, 700, 1);
      const full = await rawPost(service(), token, `/v1/payments/${payment.id}/refunds`, undefined, {
        'idempotency-key': newKey('no-body'),
      });
      assert.equal(full.status, 201, full.text);
      assert.equal(JSON.parse(full.text).amount, 700);
      assert.equal((await onlyIntentOf(service().psp, payment.id)).amount_refunded, 700);
    });

    it('more than what remains: 409 refund_exceeds_payment, nothing reserved, the provider ledger unchanged', async () => {
      const { api, tenantId } = await tenant();
      const { order, payment } = await paidOrder(api, 1500, 2);
      assert.equal((await refund(api, payment.id, { amount: 2000 }, newKey('r'))).response.status, 201);
      const before = await snapshotPaymentRows(service().database.db, [tenantId]);
      await withoutProviderCall(service().psp, async () => {
        const over = await refund(api, payment.id, { amount: 1001 }, newKey('over'));
        const problem = assertProblem(log, over, { status: 409, code: 'refund_exceeds_payment' });
        assert.match(problem.detail, /1000 of 3000/);
        assert.equal(over.response.headers.get('location'), null);
      });
      const after = await snapshotPaymentRows(service().database.db, [tenantId]);
      assert.deepEqual({ ...after, idempotency_keys: [] }, { ...before, idempotency_keys: [] });

      assert.equal((await refund(api, payment.id, { amount: 1000 }, newKey('exact'))).response.status, 201);
      assert.equal((await orderOf(api, order.id)).status, 'refunded');
      await withoutProviderCall(service().psp, async () => {
        assertProblem(log, await refund(api, payment.id, {}, newKey('nothing-left')), {
          status: 409,
          code: 'refund_exceeds_payment',
        });
        assertProblem(log, await refund(api, payment.id, { amount: 1 }, newKey('one-more')), {
          status: 409,
          code: 'refund_exceeds_payment',
        });
      });
    });

    it('a declined payment is not refundable: 409 payment_not_refundable, provider not called', async () => {
      const { api } = await tenant();
      const order = await orderToPay(api);
      const declined = await pay(api, order.id, 'pm_card_chargeDeclined', newKey('decline'));
      assert.equal(declined.response.status, 402);
      const paymentId = String(JSON.parse(log.bodyOf(declined.response)).payment_id);
      await withoutProviderCall(service().psp, async () => {
        assertProblem(log, await refund(api, paymentId, {}, newKey('refund-declined')), {
          status: 409,
          code: 'payment_not_refundable',
        });
      });
    });

    it('the same key again: byte-identical refund with Idempotent-Replayed: true, one provider refund', async () => {
      const { api, token } = await tenant();
      const { payment } = await paidOrder(api);
      const key = newKey('replay');
      const path = `/v1/payments/${payment.id}/refunds`;
      const body = { amount: 500, reason: 'Late delivery' };
      const first = await rawPost(service(), token, path, body, { 'idempotency-key': key });
      assert.equal(first.status, 201, first.text);
      const again = await withoutProviderCall(service().psp, () =>
        rawPost(service(), token, path, body, { 'idempotency-key': key }),
      );
      assert.equal(again.status, 201);
      assert.equal(again.text, first.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.headers.get('location'), first.headers.get('location'));
      const intent = await onlyIntentOf(service().psp, payment.id);
      assert.equal((await providerRefundsOf(service().psp, intent.id)).length, 1);
      assert.equal(intent.amount_refunded, 500);
      assertProblem(log, await refund(api, payment.id, { amount: 501 }, key), {
        status: 422,
        code: 'idempotency_key_reused',
      });
      assertProblem(
        log,
        await api.POST('/v1/payments/{id}/refunds', {
          params: { path: { id: payment.id } } as never, // the required header left out on purpose
          body: { amount: 1 },
        }),
        { status: 400, code: 'idempotency_key_required' },
      );
    });

    it('20 concurrent partial refunds whose sum exceeds the capture: refunded ≤ captured, here and at the provider', async () => {
      const { api, tenantId } = await tenant();
      const { order, payment } = await paidOrder(api, 1000, 1);
      // 20 × 130 = 2600 asked of a 1000 capture: exactly 7 fit (910), 90 stays refundable.
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => refund(api, payment.id, { amount: 130 }, newKey(`race-${i}`))),
      );
      const statuses = answers.map((a) => a.response.status);
      assert.deepEqual(
        [...new Set(statuses)].sort(),
        [201, 409],
        `only successes and refusals: ${JSON.stringify(statuses)}`,
      );
      for (const refused of answers.filter((a) => a.response.status === 409)) {
        assertProblem(log, refused, { status: 409, code: 'refund_exceeds_payment' });
      }
      const succeeded = answers.flatMap((a) => (a.data === undefined ? [] : [a.data]));
      assert.equal(succeeded.length, 7);
      assert.ok(succeeded.every((r) => r.status === 'succeeded'));
      const refunded = succeeded.reduce((sum, r) => sum + r.amount, 0);
      assert.equal(refunded, 910);

      const ours = await paymentOf(api, payment.id);
      assert.equal(ours.amount_refunded, refunded);
      assert.ok(ours.amount_refunded <= ours.amount);
      assert.equal((await orderOf(api, order.id)).status, 'partially_refunded');
      const intent = await onlyIntentOf(service().psp, payment.id);
      const atProvider = await providerRefundsOf(service().psp, intent.id);
      assert.equal(atProvider.length, 7);
      assert.equal(
        atProvider.reduce((sum, r) => sum + r.amount, 0),
        refunded,
      );
      assert.equal(intent.amount_refunded, refunded);
      assert.ok(intent.amount_refunded <= intent.amount);
      const rows = await snapshotPaymentRows(service().database.db, [tenantId]);
      assert.equal(rows.refunds.length, 7, 'a refused refund leaves no row');

      const rest = await refund(api, payment.id, {}, newKey('rest'));
      assert.equal(rest.data?.amount, 90);
      assert.equal((await orderOf(api, order.id)).status, 'refunded');
      assert.equal((await onlyIntentOf(service().psp, payment.id)).amount_refunded, 1000);
    });
  });
}
