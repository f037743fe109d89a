// Issue 7 §6, the retry budget through the whole service (the provider client alone is in
// test/psp/psp-breaker.test.ts): the provider fails every call for 30 s while clients keep
// paying; it must receive at most 1.1 × the first attempts plus the budget's floor, so an outage
// adds at most 10% to its load instead of multiplying it by the attempts (3 each).
//
// One backend only, PostgreSQL when configured (else PGlite): the budget is the provider
// policy's arithmetic and the database plays no part in it, so a second 30 s run on the other
// backend would add 30 s of CI time and prove nothing new.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callOutcomes } from '@keelson/kit/resilience';
import { defaultPspPolicy } from '../../src/adapters/psp/psp.http-client.ts';
import { clearFaults, putFaults, requestsTo, stats } from '../psp/support.ts';
import { metricValue } from '../support/breaker-metrics.ts';
import { backends } from '../support/databases.ts';
import { useTestServiceWithPsp } from '../support/service.ts';
import { newKey, pay, resetProviderStats } from './payment-fixtures.ts';

const outageMs = 30_000;
const clients = 16;
const { minRetriesPerSecond, windowMs } = defaultPspPolicy.retryBudget;
/** The 10%: the provider policy's ratio, or the kit's default when it sets none. */
const ratio = defaultPspPolicy.retryBudget.ratio ?? 0.1;
const backend = backends().at(-1) ?? assert.fail('PGlite is always there');

describe(`payments: the provider's retry budget through the API on ${backend.name}`, () => {
  // A breaker that never judges: with it, the outage would be cut short after 20 calls.
  const service = useTestServiceWithPsp(backend, { KEELSON_PSP_BREAKER_VOLUME: '1000000' });

  /** Attempts that reached the provider (any outcome) and retries, from the service's /metrics. */
  async function policyCounts(): Promise<{ attempts: number; retries: number }> {
    let attempts = 0;
    for (const outcome of callOutcomes) {
      attempts += await metricValue(service(), 'dependency_calls_total', `outcome="${outcome}"`);
    }
    return { attempts, retries: await metricValue(service(), 'dependency_retries_total', 'dependency="psp"') };
  }

  it(`a provider failing 100% for ${outageMs / 1_000} s receives ≤ (1 + ratio) × the first attempts + the floor`, async (t) => {
    const { api } = await service().newTenant();
    const sim = service().psp;
    t.after(() => clearFaults(sim));
    await resetProviderStats(sim);
    await putFaults(sim, [{ kind: 'http_500', probability: 1, path_prefix: '/v1/payment_intents' }]);
    // One product per client: a single hot product row would serialize every order.
    const productIds = await Promise.all(
      Array.from({ length: clients }, async () => {
        const product = await api.POST('/v1/products', {
          body: { sku: newKey('sku'), name: 'Mug', unit_amount: 1500, currency: 'USD', stock: 1_000_000 },
        });
        return product.data?.id ?? assert.fail(JSON.stringify(product.error));
      }),
    );
    const before = await policyCounts();
    const startedAt = Date.now();
    // Customers keep paying through the outage, each a new order under a new key.
    const answers = new Map<string, number>();
    await Promise.all(
      productIds.map(async (productId) => {
        while (Date.now() - startedAt < outageMs) {
          const order = await api.POST('/v1/orders', { body: { lines: [{ product_id: productId, quantity: 1 }] } });
          // Setup, not what is measured: on an overloaded machine an order may miss its deadline.
          if (order.data === undefined) continue;
          const paid = await pay(api, order.data.id, 'pm_card_visa', newKey('outage'));
          const seen = `${paid.response.status} ${(paid.error as { code?: string } | undefined)?.code}`;
          answers.set(seen, (answers.get(seen) ?? 0) + 1);
        }
      }),
    );
    const durationMs = Date.now() - startedAt;
    const after = await policyCounts();
    // The policy's own count of first attempts: every attempt that went out, minus the retries.
    const primary = after.attempts - before.attempts - (after.retries - before.retries);
    const received = requestsTo(await stats(sim), 'POST /v1/payment_intents');
    // Retries ≤ ratio × calls + floor over any window; the run spans ⌈D / W⌉ windows, plus one
    // for the window's bucket granularity.
    const floor = ((minRetriesPerSecond * windowMs) / 1_000) * (Math.ceil(durationMs / windowMs) + 1);
    const bound = (1 + ratio) * primary + floor;
    const budgetRefusals = await metricValue(
      service(),
      'dependency_rejections_total',
      'reason="retry_budget_exhausted"',
    );
    t.diagnostic(
      `retry budget through the API: ${(durationMs / 1_000).toFixed(1)} s of outage, ${primary} first attempts ` +
        `→ provider received ${received} = ${(received / primary).toFixed(3)}× (bound ${bound.toFixed(0)} = ` +
        `${1 + ratio}× + floor ${floor}); retries refused by the budget: ${budgetRefusals}; answers ${JSON.stringify(Object.fromEntries(answers))}`,
    );
    // Every payment failed for the outage: 503, or 504 when the overloaded machine ran out the deadline.
    assert.deepEqual(
      [...answers.keys()].filter((a) => a !== '503 payment_provider_unavailable' && a !== '504 deadline_exceeded'),
      [],
    );
    assert.ok((answers.get('503 payment_provider_unavailable') ?? 0) >= 100, 'enough payments to judge a ratio');
    assert.ok(received <= bound, `received ${received} > ${bound}`);
    assert.ok(received > primary, 'the budget still allowed some retries');
    assert.ok(budgetRefusals > 0, 'the budget, not a lack of failures, bounded the retries');
  });
});
