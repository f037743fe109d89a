import type { FaultKind } from './faults.ts';

/** `GET /sim/stats`: what a test asserts when it says "the provider saw N calls". */
export interface StatsSnapshot {
  /** Per route, e.g. `"POST /v1/payment_intents"`, counted on arrival, faulted or not. */
  readonly requests: Readonly<Record<string, number>>;
  /** Provider requests whose connection the client closed before an answer was written. */
  readonly client_aborts: number;
  readonly faults: Readonly<Partial<Record<FaultKind, number>>>;
}

export class Stats {
  private requests = new Map<string, number>();
  private faults = new Map<FaultKind, number>();
  private clientAborts = 0;

  request(route: string): void {
    this.requests.set(route, (this.requests.get(route) ?? 0) + 1);
  }

  fault(kind: FaultKind): void {
    this.faults.set(kind, (this.faults.get(kind) ?? 0) + 1);
  }

  clientAbort(): void {
    this.clientAborts += 1;
  }

  reset(): void {
    this.requests = new Map();
    this.faults = new Map();
    this.clientAborts = 0;
  }

  snapshot(): StatsSnapshot {
    return {
      requests: Object.fromEntries(this.requests),
      client_aborts: this.clientAborts,
      faults: Object.fromEntries(this.faults),
    };
  }
}
