// Bad input on every payment and refund route: a clear 4xx problem, no row changed, and no call
// to the payment provider (psp-sim's counters and ledger are the proof). One service per
// backend serves every case, so the closing test can show none of them produced a 5xx.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertProblem,
  type CallResult,
  createExchangeLog,
  type ExpectedProblem,
  jsonBody,
  rawBody,
} from '../support/api-checks.ts';
import { backends } from '../support/databases.ts';
import { type ApiClient, type TestTenant, useTestServiceWithPsp } from '../support/service.ts';
import {
  newKey,
  orderOf,
  orderToPay,
  paidOrder,
  pay,
  paymentOf,
  snapshotPaymentRows,
  withoutProviderCall,
} from './payment-fixtures.ts';

/** docs/errors.md: amounts above 99 999 999 999 minor units are refused. */
const maxAmount = 99_999_999_999;
const invalid = { status: 400, code: 'invalid_request' } as const;
const unknown = {
  order: 'ord_01J00000000000000000000000',
  payment: 'pay_01J00000000000000000000000',
  refund: 're_01J00000000000000000000000',
};
/** A well-formed-looking id of 65 characters, one over the limit. */
const longId = (prefix: string) => `${prefix}_`.padEnd(65, '0');

const paymentBodies: [label: string, body: unknown, issueAt?: string][] = [
  ['no payment_method', {}, 'body.payment_method'],
  ['payment_method 42 (a number)', { payment_method: 42 }, 'body.payment_method'],
  ['payment_method null', { payment_method: null }, 'body.payment_method'],
  ['an empty payment_method', { payment_method: '' }, 'body.payment_method'],
  ['a payment_method without pm_', { payment_method: 'card_visa' }, 'body.payment_method'],
  ['a payment_method with a space', { payment_method: 'pm_card visa' }, 'body.payment_method'],
  ['a card number as payment_method', { payment_method: 'pm_4242424242424242' }, 'body.payment_method'],
  ['a 256-character payment_method', { payment_method: `pm_${'a'.repeat(253)}` }, 'body.payment_method'],
  ['an amount beside payment_method', { payment_method: 'pm_card_visa', amount: 1 }],
  ['a currency beside payment_method', { payment_method: 'pm_card_visa', currency: 'USD' }],
  ['an array body', [{ payment_method: 'pm_card_visa' }]],
  ['a string body', 'pm_card_visa'],
  ['a null body', null],
];

const refundBodies: [label: string, body: unknown, issueAt?: string][] = [
  ['amount 0', { amount: 0 }, 'body.amount'],
  ['amount -1', { amount: -1 }, 'body.amount'],
  ['amount 1.5', { amount: 1.5 }, 'body.amount'],
  ['amount "100" (a string)', { amount: '100' }, 'body.amount'],
  ['amount null', { amount: null }, 'body.amount'],
  ['amount true', { amount: true }, 'body.amount'],
  ['amount 1e20', { amount: 1e20 }, 'body.amount'],
  ['amount 2**53', { amount: 2 ** 53 }, 'body.amount'],
  ['amount one above the maximum', { amount: maxAmount + 1 }, 'body.amount'],
  ['an empty reason', { reason: '' }, 'body.reason'],
  ['a reason of spaces only', { reason: '   ' }, 'body.reason'],
  ['a 501-character reason', { reason: 'r'.repeat(501) }, 'body.reason'],
  ['reason 42 (a number)', { reason: 42 }, 'body.reason'],
  ['a reason with a line break', { reason: 'broken\nmug' }, 'body.reason'],
  ['a reason with a bidi override', { reason: 'gum \u202Enekorb' }, 'body.reason'],
  ['a reason with NUL', { reason: 'broken\u0000' }, 'body.reason'],
  ['a currency', { amount: 100, currency: 'USD' }],
  ['a payment_id', { amount: 100, payment_id: unknown.payment }],
  ['an array body', [{ amount: 100 }]],
  ['a number body', 100],
];

const keyProblems: [label: string, headers: Record<string, string>, expected: ExpectedProblem][] = [
  ['no Idempotency-Key', {}, { status: 400, code: 'idempotency_key_required' }],
  ['a 256-character key', { 'idempotency-key': 'k'.repeat(256) }, { status: 400, code: 'idempotency_key_invalid' }],
  ['a key with a tab', { 'idempotency-key': 'key\twith-tab' }, { status: 400, code: 'idempotency_key_invalid' }],
  ['a key with é (not ASCII)', { 'idempotency-key': 'cl\u00e9' }, { status: 400, code: 'idempotency_key_invalid' }],
  ['a malformed X-Request-Deadline', { 'idempotency-key': 'ok', 'x-request-deadline': 'soon' }, invalid],
  [
    'an X-Request-Deadline already past',
    { 'idempotency-key': 'ok', 'x-request-deadline': '2001-01-01T00:00:00Z' },
    { status: 504, code: 'deadline_exceeded' },
  ],
];

for (const backend of backends()) {
  describe(`bad input on the payment routes on ${backend.name}: 4xx, nothing changed, provider not called`, () => {
    const service = useTestServiceWithPsp(backend);
    const log = createExchangeLog();

    async function tenant(): Promise<TestTenant> {
      const created = await service().newTenant();
      created.api.use(log.middleware);
      return created;
    }

    /**
     * `call` answers `expected`, every payment-related row of `tenant` is as it was and the
     * provider saw no call. `executed`: the route ran (a 404 of an unknown id), so its key
     * stored the answer; the other rows must still be untouched.
     */
    async function rejects(
      owner: TestTenant,
      call: () => Promise<CallResult>,
      expected: ExpectedProblem,
      executed = false,
    ) {
      const db = service().database.db;
      const before = await snapshotPaymentRows(db, [owner.tenantId]);
      const problem = await withoutProviderCall(service().psp, async () => assertProblem(log, await call(), expected));
      const after = await snapshotPaymentRows(db, [owner.tenantId]);
      if (executed) assert.deepEqual({ ...after, idempotency_keys: [] }, { ...before, idempotency_keys: [] });
      else assert.deepEqual(after, before, 'a request rejected before execution changed rows (or stored its key)');
      return problem;
    }

    function assertIssueAt(problem: { issues?: readonly { path: string }[] }, path: string): void {
      const paths = (problem.issues ?? []).map((issue) => issue.path);
      assert.ok(paths.includes(path), `expected an issue at ${path}, got ${JSON.stringify(paths)}`);
    }

    /** What the typed client may not express: a body, content type or header the schema forbids. */
    type LooseInit = { body?: unknown; bodySerializer?: () => string; headers?: Record<string, string> };

    function payWith(api: ApiClient, orderId: string, init: LooseInit, headers: Record<string, string> = {}) {
      return api.POST('/v1/orders/{id}/payments', {
        ...init,
        headers: { 'idempotency-key': newKey('bad'), ...init.headers, ...headers },
        // Typed as never: these requests break the operation's types on purpose (see LooseInit).
        params: { path: { id: orderId } },
      } as never);
    }

    function refundWith(api: ApiClient, paymentId: string, init: LooseInit, headers: Record<string, string> = {}) {
      return api.POST('/v1/payments/{id}/refunds', {
        ...init,
        headers: { 'idempotency-key': newKey('bad'), ...init.headers, ...headers },
        // Typed as never, as in payWith.
        params: { path: { id: paymentId } },
      } as never);
    }

    describe('POST /v1/orders/{id}/payments', () => {
      for (const [label, body, issueAt] of paymentBodies) {
        it(`${label} → 400 invalid_request, the order still pending_payment`, async () => {
          const buyer = await tenant();
          const order = await orderToPay(buyer.api);
          const problem = await rejects(buyer, () => payWith(buyer.api, order.id, jsonBody(body)), invalid);
          if (issueAt !== undefined) assertIssueAt(problem, issueAt);
          assert.equal((await orderOf(buyer.api, order.id)).status, 'pending_payment');
        });
      }

      it('invalid JSON, an empty JSON body, or none → 400; text/plain → 415', async () => {
        const buyer = await tenant();
        const order = await orderToPay(buyer.api);
        const invalidJson = { status: 400, code: 'invalid_json' };
        await rejects(
          buyer,
          () => payWith(buyer.api, order.id, rawBody('{"payment_method": "pm_card_visa"')),
          invalidJson,
        );
        await rejects(buyer, () => payWith(buyer.api, order.id, rawBody('')), invalidJson);
        await rejects(buyer, () => payWith(buyer.api, order.id, {}), invalid);
        const text = { ...jsonBody({ payment_method: 'pm_card_visa' }), headers: { 'content-type': 'text/plain' } };
        await rejects(buyer, () => payWith(buyer.api, order.id, text, { 'content-type': 'text/plain' }), {
          status: 415,
          code: 'unsupported_media_type',
        });
      });

      for (const [label, headers, expected] of keyProblems) {
        it(`${label} → ${expected.status} ${expected.code}`, async () => {
          const buyer = await tenant();
          const order = await orderToPay(buyer.api);
          const call = () =>
            buyer.api.POST('/v1/orders/{id}/payments', {
              // The typed Idempotency-Key is required; `headers` sends it wrong, or not at all.
              params: { path: { id: order.id } } as never,
              headers,
              body: { payment_method: 'pm_card_visa' },
            });
          await rejects(buyer, call, expected);
        });
      }

      it('an order id over 64 characters or with NUL → 400; an unknown one → 404 order_not_found', async () => {
        const buyer = await tenant();
        const body = jsonBody({ payment_method: 'pm_card_visa' });
        await rejects(buyer, () => payWith(buyer.api, longId('ord'), body), invalid);
        await rejects(buyer, () => payWith(buyer.api, 'ord_\u0000', body), invalid);
        await rejects(
          buyer,
          () => payWith(buyer.api, unknown.order, body),
          { status: 404, code: 'order_not_found' },
          true,
        );
      });

      it('no API key → 401 invalid_api_key', async () => {
        const buyer = await tenant();
        const order = await orderToPay(buyer.api);
        const anonymous = service().client();
        anonymous.use(log.middleware);
        await rejects(buyer, () => pay(anonymous, order.id, 'pm_card_visa', newKey('anon')), {
          status: 401,
          code: 'invalid_api_key',
        });
      });

      it('a request refused before execution stores nothing: its key then pays the order', async () => {
        const buyer = await tenant();
        const order = await orderToPay(buyer.api);
        const key = newKey('after-400');
        await rejects(
          buyer,
          () => payWith(buyer.api, order.id, jsonBody({ payment_method: 42 }), { 'idempotency-key': key }),
          invalid,
        );
        const paid = await pay(buyer.api, order.id, 'pm_card_visa', key);
        assert.equal(paid.response.status, 201, JSON.stringify(paid.error));
        assert.equal(paid.response.headers.get('idempotent-replayed'), null);
      });
    });

    describe('POST /v1/payments/{id}/refunds', () => {
      for (const [label, body, issueAt] of refundBodies) {
        it(`${label} → 400 invalid_request, nothing refunded`, async () => {
          const buyer = await tenant();
          const { payment } = await paidOrder(buyer.api);
          const problem = await rejects(buyer, () => refundWith(buyer.api, payment.id, jsonBody(body)), invalid);
          if (issueAt !== undefined) assertIssueAt(problem, issueAt);
          assert.equal((await paymentOf(buyer.api, payment.id)).amount_refunded, 0);
        });
      }

      it('invalid JSON → 400 invalid_json; text/plain → 415', async () => {
        const buyer = await tenant();
        const { payment } = await paidOrder(buyer.api);
        await rejects(buyer, () => refundWith(buyer.api, payment.id, rawBody('{"amount": 1')), {
          status: 400,
          code: 'invalid_json',
        });
        const text = { ...rawBody('{"amount": 1}'), headers: { 'content-type': 'text/plain' } };
        await rejects(buyer, () => refundWith(buyer.api, payment.id, text, { 'content-type': 'text/plain' }), {
          status: 415,
          code: 'unsupported_media_type',
        });
      });

      for (const [label, headers, expected] of keyProblems) {
        it(`${label} → ${expected.status} ${expected.code}`, async () => {
          const buyer = await tenant();
          const { payment } = await paidOrder(buyer.api);
          const call = () =>
            buyer.api.POST('/v1/payments/{id}/refunds', {
              // As above: the key comes (or not) through `headers`.
              params: { path: { id: payment.id } } as never,
              headers,
              body: { amount: 1 },
            });
          await rejects(buyer, call, expected);
        });
      }

      it('a payment id over 64 characters → 400; an unknown one → 404 payment_not_found', async () => {
        const buyer = await tenant();
        const body = jsonBody({ amount: 1 });
        await rejects(buyer, () => refundWith(buyer.api, longId('pay'), body), invalid);
        const notFound = { status: 404, code: 'payment_not_found' };
        await rejects(buyer, () => refundWith(buyer.api, unknown.payment, body), notFound, true);
        const { order } = await paidOrder(buyer.api);
        // An order id is not a payment id.
        await rejects(buyer, () => refundWith(buyer.api, order.id, body), notFound, true);
      });
    });

    describe('the reads', () => {
      it('GET /v1/payments/{id}, /v1/payments/{id}/refunds, /v1/refunds/{id}: long ids → 400, unknown → 404', async () => {
        const reader = await tenant();
        const path = (id: string) => ({ params: { path: { id } } });
        const api = reader.api;
        await rejects(reader, () => api.GET('/v1/payments/{id}', path(longId('pay'))), invalid);
        await rejects(reader, () => api.GET('/v1/payments/{id}/refunds', path(longId('pay'))), invalid);
        await rejects(reader, () => api.GET('/v1/refunds/{id}', path(longId('re'))), invalid);
        const noPayment = { status: 404, code: 'payment_not_found' };
        await rejects(reader, () => api.GET('/v1/payments/{id}', path(unknown.payment)), noPayment);
        await rejects(reader, () => api.GET('/v1/payments/{id}/refunds', path(unknown.payment)), noPayment);
        const noRefund = { status: 404, code: 'refund_not_found' };
        await rejects(reader, () => api.GET('/v1/refunds/{id}', path(unknown.refund)), noRefund);
        const { payment } = await paidOrder(api);
        // A payment id is not a refund id, and the reverse.
        await rejects(reader, () => api.GET('/v1/refunds/{id}', path(payment.id)), noRefund);
        await rejects(reader, () => api.GET('/v1/payments/{id}', path(unknown.refund)), noPayment);
      });

      for (const query of [
        'limit=0',
        'limit=101',
        'limit=abc',
        'limit=1.5',
        `order_id=${longId('ord')}`,
        'sort=amount',
      ]) {
        it(`GET /v1/payments?${query} → 400 invalid_request`, async () => {
          const reader = await tenant();
          await rejects(reader, () => reader.api.GET('/v1/payments', { querySerializer: () => query }), invalid);
        });
      }

      it('GET /v1/payments with a malformed, unknown or foreign cursor → 400 invalid_cursor', async () => {
        const reader = await tenant();
        const other = await tenant();
        const theirs = await paidOrder(other.api);
        const { order } = await paidOrder(reader.api);
        for (const startingAfter of ['abc', unknown.payment, theirs.payment.id, order.id]) {
          await rejects(
            reader,
            () => reader.api.GET('/v1/payments', { params: { query: { starting_after: startingAfter } } }),
            { status: 400, code: 'invalid_cursor' },
          );
        }
      });

      it('an unknown order_id filter is an empty list, not an error', async () => {
        const reader = await tenant();
        const listed = await reader.api.GET('/v1/payments', { params: { query: { order_id: unknown.order } } });
        assert.deepEqual(listed.data, { object: 'list', data: [], has_more: false });
      });

      it('DELETE /v1/payments/{id} and PATCH /v1/refunds/{id} → 405 method_not_allowed', async () => {
        const reader = await tenant();
        const { payment } = await paidOrder(reader.api);
        const made = await reader.api.POST('/v1/payments/{id}/refunds', {
          params: { path: { id: payment.id }, header: { 'Idempotency-Key': newKey('refund') } },
          body: { amount: 1 },
        });
        const before = await snapshotPaymentRows(service().database.db, [reader.tenantId]);
        for (const [method, path] of [
          ['DELETE', `/v1/payments/${payment.id}`],
          ['PATCH', `/v1/refunds/${made.data?.id}`],
        ] as const) {
          const response = await withoutProviderCall(service().psp, () =>
            fetch(`${service().apiUrl}${path}`, {
              method,
              headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' },
              body: '{}',
            }),
          );
          assert.equal(response.status, 405, `${method} ${path}`);
          assert.equal(((await response.json()) as { code?: unknown }).code, 'method_not_allowed');
        }
        assert.deepEqual(await snapshotPaymentRows(service().database.db, [reader.tenantId]), before);
      });
    });

    it('no case answered 5xx and the service is still ready', async () => {
      const serverErrors = log.exchanges.filter((e) => e.status >= 500 && e.code !== 'deadline_exceeded');
      assert.deepEqual(serverErrors, []);
      assert.ok(log.exchanges.length > 100, `${log.exchanges.length} exchanges`);
      const ready = await fetch(`${service().apiUrl}/readyz`);
      assert.equal(ready.status, 200);
    });
  });
}
