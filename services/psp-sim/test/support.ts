import type { TestContext } from 'node:test';
import Stripe from 'stripe';
import { type FaultRule, type LedgerSnapshot, type PspSim, type StatsSnapshot, startPspSim } from '../src/index.ts';

export const apiKey = 'sk_test_psp_sim_tests';

/** A simulator closed when the test ends. */
export async function startSim(t: TestContext, dataDir?: string): Promise<PspSim> {
  const sim = await startPspSim(dataDir === undefined ? {} : { dataDir });
  t.after(() => sim.close());
  return sim;
}

/** Stripe's official SDK pointed at the simulator, retries off so each call is one request. */
export function stripeFor(sim: PspSim): Stripe {
  const { hostname, port } = new URL(sim.url);
  return new Stripe(apiKey, { host: hostname, port: Number(port), protocol: 'http', maxNetworkRetries: 0 });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body; the JSON's shape is what each test asserts. */
  readonly json: Record<string, unknown>;
}

/** A form-encoded POST the way Stripe clients send one. */
export async function postForm(
  sim: PspSim,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<RawAnswer> {
  const response = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, ...headers },
    body: new URLSearchParams(form),
    ...(signal === undefined ? {} : { signal }),
  });
  return answer(response);
}

export async function get(sim: PspSim, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return answer(await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${apiKey}`, ...headers } }));
}

async function answer(response: Response): Promise<RawAnswer> {
  const text = await response.text();
  // Every body the simulator writes is JSON (or empty for 204).
  const json = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
  return { status: response.status, headers: response.headers, text, json };
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
  return (await (await fetch(`${sim.url}/sim/stats`)).json()) as Stats;
}

/** Polls observable state until `done` holds; fails after `timeoutMs` instead of hanging. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const visaPayment = { amount: '1500', currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true' };

let counter = 0;
/** A key unique within the run, so tests sharing a simulator never collide. */
export function uniqueKey(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Date.now()}`;
}
