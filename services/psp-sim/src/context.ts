import type { IncomingMessage } from 'node:http';
import type { FaultPlan, Faults } from './faults.ts';
import type { IdempotencyKeys } from './idempotency.ts';
import type { Ledger } from './ledger.ts';
import type { Stats } from './stats.ts';

/** Everything one simulator instance owns; passed to the routes, never a module singleton. */
export interface Sim {
  readonly ledger: Ledger;
  readonly keys: IdempotencyKeys;
  readonly faults: Faults;
  readonly stats: Stats;
  readonly now: () => number;
  /** The fault plan drawn for each provider request on arrival. */
  readonly plans: WeakMap<IncomingMessage, FaultPlan>;
  /** Requests whose connection the simulator cut itself (reset, lost_response): not client aborts. */
  readonly severed: WeakSet<IncomingMessage>;
  /** Aborted on close: pending latency ends and no close counts as a client abort. */
  readonly closing: AbortSignal;
}
