import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from './app.ts';
import type { Sim } from './context.ts';
import { Faults } from './faults.ts';
import { IdempotencyKeys } from './idempotency.ts';
import { memoryJournal, openFileJournal } from './journal.ts';
import { Ledger } from './ledger.ts';
import { Stats } from './stats.ts';

export type { FaultConfig, FaultKind, FaultRule } from './faults.ts';
export { faultKinds } from './faults.ts';
export { journalFileName } from './journal.ts';
export type { LedgerSnapshot } from './ledger.ts';
export type { StatsSnapshot } from './stats.ts';
export { testCardTokens } from './test-cards.ts';

export interface PspSimOptions {
  /** Interface to bind; default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** Default 0: a free port, read back from `url`. */
  readonly port?: number;
  /**
   * Directory for the durable ledger (`psp-sim.journal.jsonl`): every charge, refund and
   * stored idempotent answer is fsync'd there before it is answered and replayed on start.
   * One simulator per directory. Default: memory only.
   */
  readonly dataDir?: string;
  /** A pino-compatible logger (e.g. a child of the service's), `true` for Fastify's own; default silent. */
  readonly logger?: FastifyBaseLogger | boolean;
}

export interface PspSim {
  /** `http://127.0.0.1:<port>`: the base URL for a Stripe client and for `/sim/*`. */
  readonly url: string;
  /** Where the ledger lives: `memory` or the journal file's path. */
  readonly ledgerLocation: string;
  /** Stops listening, drops open connections (hung ones too), finishes queued writes, closes the journal. */
  close(): Promise<void>;
}

/**
 * Starts the payment-provider simulator: a subset of Stripe's API with fault injection.
 *
 * @example
 * ```ts
 * import { startPspSim } from '@keelson/psp-sim';
 * const sim = await startPspSim({ dataDir: './.keelson/psp-sim' });
 * const res = await fetch(`${sim.url}/v1/payment_intents`, {
 *   method: 'POST',
 *   headers: { authorization: 'Bearer sk_test_local', 'idempotency-key': 'pay_1' },
 *   body: new URLSearchParams({ amount: '1000', currency: 'usd', payment_method: 'pm_card_visa', confirm: 'true' }),
 * });
 * await sim.close();
 * ```
 */
export async function startPspSim(options: PspSimOptions = {}): Promise<PspSim> {
  const now = Date.now;
  const journal = options.dataDir === undefined ? memoryJournal() : await openFileJournal(options.dataDir);
  let ledger: Ledger;
  try {
    ledger = new Ledger(journal, now);
  } catch (error) {
    await journal.close();
    throw error;
  }
  const closing = new AbortController();
  const sim: Sim = {
    ledger,
    keys: new IdempotencyKeys(ledger),
    faults: new Faults(),
    stats: new Stats(),
    now,
    plans: new WeakMap(),
    severed: new WeakSet(),
    closing: closing.signal,
  };
  const app = buildApp(sim, options.logger ?? false);
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await ledger.close();
    throw error;
  }
  // listen() resolved on a TCP server, so the address is an AddressInfo, never a pipe name.
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    ledgerLocation: journal.location,
    close() {
      closed ??= (async () => {
        closing.abort();
        await app.close();
        await ledger.close();
      })();
      return closed;
    },
  };
}
