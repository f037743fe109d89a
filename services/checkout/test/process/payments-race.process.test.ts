import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { FaultRule } from '@keelson/psp-sim';
import { serverBackend } from '../support/databases.ts';
import {
  type Attempt,
  causeOf,
  keysNamingTwoPayments,
  payUntilFinal,
  retriesByCause,
  unexpectedAnswers,
} from '../support/paying-client.ts';
import {
  chaosSeed,
  cleanupStack,
  compareWithProvider,
  createOrders,
  errorLines,
  type OurSide,
  paidOrFulfilled,
  provisionTenant,
  readOurSide,
  readStoppedPglite,
  reconcileAndVerify,
  seededRandom,
  startOwnedSim,
} from '../support/payment-chaos.ts';
import { serviceEnv, startServiceProcess, tempDir } from '../support/service-process.ts';

// Issue 7 §6, race: 50 orders, each paid by 4 concurrent sends of one Idempotency-Key, while the
// provider (psp-sim, owned by this process) resets, loses answers, fails with 500 and lags. The
// clients retry 409, 5xx and dropped connections with the same key; then the faults stop and
// every client finishes. Exactly one charge per order, every answer for a key names one payment;
// then, with the service still up, `keelson payments reconcile` finds nothing pending and
// `keelson ledger verify` agrees with the provider over every paid order.

const seed = chaosSeed(7_062_026);
const orderCount = 50;
const sendsPerKey = 4;
/** Terminal faults on 1 − 0.93³ ≈ 20% of provider calls, and 0–50 ms of latency on all of them. */
const faultRules: readonly FaultRule[] = [
  { kind: 'latency', probability: 1, ms: 0, jitter_ms: 50 },
  { kind: 'reset', probability: 0.07 },
  { kind: 'lost_response', probability: 0.07 },
  { kind: 'http_500', probability: 0.07 },
];
/** How long the provider misbehaves at most before the faults are cleared. */
const faultPhaseMs = 12_000;
/** Every client is done by then, or the test fails. */
const clientBudgetMs = 35_000;
/** Besides 201, what a client may meet on the way; anything else (a 500 above all) is a bug. */
const expectedAnswers = new Set([
  '409 idempotency_request_in_progress',
  '409 payment_in_progress',
  '503 payment_provider_unavailable',
  '504 deadline_exceeded',
]);

const postgres = serverBackend();
const targets = [
  { name: 'postgres', skip: postgres === undefined ? 'needs real PostgreSQL (KEELSON_TEST_DATABASE_URL)' : false },
  { name: 'pglite', skip: false },
] as const;

describe(`payments race: ${orderCount} orders × ${sendsPerKey} concurrent sends per key, provider faults ~20% (seed ${seed})`, () => {
  for (const target of targets) {
    it(`${target.name}: one charge per order, one payment per key`, { skip: target.skip, timeout: 60_000 }, (t) =>
      raceScenario(t, target.name),
    );
  }
});

async function raceScenario(t: TestContext, backendName: 'postgres' | 'pglite'): Promise<void> {
  const defer = cleanupStack(t);
  const sim = await startOwnedSim();
  defer(() => sim.close());
  const database = backendName === 'postgres' ? await postgres?.create() : undefined;
  if (database !== undefined) defer(() => database.dispose());
  const dir = tempDir();
  defer(() => dir.remove());
  const settings = await serviceEnv({ dataDir: dir.path, databaseUrl: database?.url, logLevel: 'warn' });
  const env = { ...settings.env, KEELSON_PSP_URL: sim.url };
  const service = await startServiceProcess({ ...settings, env });
  defer(() => service.kill());

  const token = await provisionTenant(env, 'Race');
  const orderIds = await createOrders(service.apiUrl, token, orderCount);

  await sim.faults(faultRules, seed);
  const stopClients = new AbortController();
  defer(() => stopClients.abort());
  const started = Date.now();
  const deadline = started + clientBudgetMs;
  const clients = Promise.all(
    orderIds.flatMap((orderId, order) =>
      Array.from({ length: sendsPerKey }, (_, send) =>
        payUntilFinal({
          apiUrl: () => service.apiUrl,
          token,
          orderId,
          key: `race-${seed}-${order}`,
          random: seededRandom(seed + order * sendsPerKey + send),
          deadline,
          maxAttempts: 60,
          signal: stopClients.signal,
        }),
      ),
    ),
  );
  // The fault phase ends when every client is done or after faultPhaseMs, whichever comes first.
  const phaseTimer = new AbortController();
  await Promise.race([clients, delay(faultPhaseMs, undefined, { signal: phaseTimer.signal }).catch(() => {})]);
  phaseTimer.abort();
  const faultPhaseEndedMs = Date.now() - started;
  const duringFaults = await sim.stats();
  await sim.clearFaults();
  const results = await clients;
  const elapsedMs = Date.now() - started;
  assert.equal(service.exit, undefined, `the service died:\n${service.describe()}`);

  const attempts = results.flatMap((r) => r.attempts);
  const answers = new Map<string, number>();
  for (const attempt of attempts) answers.set(causeOf(attempt), (answers.get(causeOf(attempt)) ?? 0) + 1);
  console.log(
    `[race ${backendName}] seed ${seed}: ${results.length} clients, ${attempts.length} requests, ` +
      `${attempts.length - results.length} retries by cause ${JSON.stringify(retriesByCause(results))}; ` +
      `provider saw ${JSON.stringify(duringFaults.requests)} with faults ${JSON.stringify(duringFaults.faults)} ` +
      `in the fault phase (${faultPhaseEndedMs} ms); answers ${JSON.stringify(Object.fromEntries(answers))}; all clients done in ${elapsedMs} ms`,
  );

  const unexpected = unexpectedAnswers(results, expectedAnswers);
  assert.deepEqual(unexpected, [], `unexpected answers (seed ${seed}); errors logged:\n${errorLines(service.stdout)}`);
  const unfinished = results.filter((r) => r.last?.status !== 201);
  assert.deepEqual(
    unfinished.map((r) => ({ key: r.key, attempts: r.attempts.length, last: r.last })),
    [],
    `every client gets its payment (seed ${seed})`,
  );
  assert.deepEqual(keysNamingTwoPayments(results), [], `every answer for one key names one payment (seed ${seed})`);

  const ledger = await sim.ledger();
  // PostgreSQL is read while the service runs; PGlite admits one process, so only once it stopped.
  const oursLive: OurSide | undefined = database === undefined ? undefined : await readOurSide(database.db);
  const cli = await reconcileAndVerify(env);
  await stopCleanly(service);
  const ours = oursLive ?? (await readStoppedPglite(dir.path));
  const books = compareWithProvider(ledger, ours, orderIds);
  assert.deepEqual(books.problems, [], `the provider's ledger and our payments agree (seed ${seed})`);
  assert.equal(books.chargedOnce, orderCount, 'exactly one succeeded PaymentIntent per order');
  assert.deepEqual(
    orderIds.filter((id) => !paidOrFulfilled(ours.orderStatus.get(id))),
    [],
    'every order is paid',
  );
  assert.equal(ours.payments.length, orderCount, 'one payment per key, none other');
  const named = new Set(results.map((r) => lastPaymentId(r.last)));
  assert.deepEqual(
    [...named].sort(),
    ours.payments.map((p) => p.id).sort(),
    'the clients were answered with exactly our payments',
  );
  const paidOrders = orderIds.filter((id) => paidOrFulfilled(ours.orderStatus.get(id))).length;
  assert.equal(cli.checkedPayments, paidOrders, 'ledger verify checked one payment per paid order');
  console.log(
    `[race ${backendName}] provider ledger: ${ledger.payment_intents.length} PaymentIntents, ` +
      `${books.chargedOnce} orders charged exactly once, 0 pending payments; ` +
      `CLI: reconcile found 0 pending, ledger verify ok over ${cli.checkedPayments} payments (${cli.elapsedMs} ms)`,
  );
}

function lastPaymentId(last: Attempt | undefined): string {
  return last?.paymentId ?? assert.fail('a finished client names its payment');
}

async function stopCleanly(service: { stop(timeoutMs?: number): Promise<unknown>; describe(): string }) {
  assert.deepEqual(await service.stop(20_000), { code: 0, signal: null }, service.describe());
}
