import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { RequestContext } from '@keelson/kit/context';
import { isAppError } from '@keelson/kit/errors';
import { isPolicyRejection } from '@keelson/kit/resilience';
import { type FaultRule, type LedgerSnapshot, type PspSim, type StatsSnapshot, startPspSim } from '@keelson/psp-sim';
import pino from 'pino';
import {
  createPspClient,
  defaultPspPolicy,
  type PspClient,
  type PspPolicySettings,
} from '../../src/adapters/psp/psp.http-client.ts';

export const silent = pino({ level: 'silent' });

/** A simulator closed when the test ends. */
export async function startSim(t: TestContext): Promise<PspSim> {
  const sim = await startPspSim();
  t.after(() => sim.close());
  return sim;
}

/**
 * Test settings: the breaker never judges unless a test asks it to, retries do not wait
 * (`random` 0 makes every full-jitter delay 0), and the budget's floor is generous.
 */
export const testPolicy: PspPolicySettings = {
  ...defaultPspPolicy,
  timeout: { marginMs: 10 },
  retryBudget: { ratio: 0.1, minRetriesPerSecond: 100, windowMs: 10_000 },
  breaker: { ...defaultPspPolicy.breaker, volumeThreshold: 1_000_000 },
};

export interface ClientOverrides {
  readonly policy?: Partial<PspPolicySettings>;
  readonly random?: () => number;
}

export function clientFor(url: string, overrides: ClientOverrides = {}): PspClient {
  return createPspClient({
    url,
    apiKey: 'sk_test_keelson',
    policy: { ...testPolicy, ...overrides.policy },
    logger: silent,
    random: overrides.random ?? (() => 0),
  });
}

let counter = 0;

/** A fresh id for payments, refunds and keys, unique within the run. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Date.now()}`;
}

/**
 * A context whose deadline is `ms` away. Its signal never fires by itself: the policy's own
 * timer (deadline − margin) is what is under test, and no timer outlives the call.
 */
export function within(ms: number, signal: AbortSignal = new AbortController().signal): RequestContext {
  return { requestId: uniqueId('req'), deadline: Date.now() + ms, signal, logger: silent };
}

export function charge(amount = 1500, paymentMethod = 'pm_card_visa') {
  const paymentId = uniqueId('pay');
  return { paymentId, idempotencyKey: `charge-${paymentId}`, amount, currency: 'USD', paymentMethod };
}

export async function putFaults(sim: PspSim, rules: readonly FaultRule[], seed?: number): Promise<void> {
  const response = await fetch(`${sim.url}/sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(seed === undefined ? { rules } : { rules, seed }),
  });
  if (response.status !== 200) throw new Error(`PUT /sim/faults: ${response.status} ${await response.text()}`);
}

export async function clearFaults(sim: PspSim): Promise<void> {
  await fetch(`${sim.url}/sim/faults`, { method: 'DELETE' });
}

export async function ledger(sim: PspSim): Promise<LedgerSnapshot> {
  // The control API's documented shape.
  return (await (await fetch(`${sim.url}/sim/ledger`)).json()) as LedgerSnapshot;
}

export type Stats = StatsSnapshot & { readonly idempotency_keys_in_flight: number };

export async function stats(sim: PspSim): Promise<Stats> {
  // The control API's documented shape.
  return (await (await fetch(`${sim.url}/sim/stats`)).json()) as Stats;
}

export function requestsTo(snapshot: Stats, route: string): number {
  return snapshot.requests[route] ?? 0;
}

/** Polls observable state until `done` holds; fails after `timeoutMs` instead of hanging. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The rejection of `promise`; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Every error in `error`'s cause chain, outermost first. */
export function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 10; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

/**
 * A bare HTTP server for protocol cases the simulator does not produce (a redirect, an
 * endless answer): a fixture of the transport, not a stand-in for the provider.
 */
export async function rawServer(
  t: TestContext,
  handle: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ readonly url: string; readonly server: Server }> {
  const server = createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  // A TCP listener: the address is an AddressInfo, never a pipe name.
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

/** The q-th quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Asserts the client's 503: kind `unavailable`, code `payment_provider_unavailable`. */
export function assertUnavailable(error: unknown): asserts error is Error & { kind: 'unavailable'; code: string } {
  assert.ok(isAppError(error), String(error));
  assert.equal(error.kind, 'unavailable');
  assert.equal(error.code, 'payment_provider_unavailable');
}

/** Why the policy gave up, when the AppError wraps a policy rejection. */
export function rejectionReason(error: unknown): string | undefined {
  return isAppError(error) && isPolicyRejection(error.cause) ? error.cause.reason : undefined;
}
