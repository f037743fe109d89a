import type { Journal } from './journal.ts';
import type { PaymentIntentJson, RefundJson } from './objects.ts';

/** Stripe keeps idempotency results at least 24 hours; so does the simulator, then forgets them. */
export const idempotencyRetentionMs = 24 * 60 * 60 * 1000;

/** A completed request's answer, replayed byte for byte for the same key and parameters. */
export interface IdempotencyRecord {
  /** A hash of the API key: keys are per API key, and a key's secret never reaches the disk. */
  readonly scope: string;
  readonly key: string;
  /** `POST /v1/refunds`: a key reused on another endpoint is an idempotency_error. */
  readonly endpoint: string;
  readonly fingerprint: string;
  readonly status: number;
  readonly body: string;
  readonly requestId: string;
  readonly createdAt: number;
}

export interface StoredPaymentIntent {
  readonly json: PaymentIntentJson;
  /** Stripe keeps this on the charge, not the PaymentIntent object; the ledger needs it here. */
  readonly amountRefunded: number;
}

export type Change =
  | { readonly kind: 'payment_intent'; readonly paymentIntent: StoredPaymentIntent }
  | { readonly kind: 'refund'; readonly refund: RefundJson }
  | { readonly kind: 'idempotency'; readonly record: IdempotencyRecord };

/** What a unit of work decided: its result, and the changes that must be durable first. */
export interface Decision<T> {
  readonly result: T;
  readonly changes: readonly Change[];
}

export interface LedgerView {
  paymentIntent(id: string): StoredPaymentIntent | undefined;
  refund(id: string): RefundJson | undefined;
}

/** `GET /sim/ledger`: the provider's side of reconciliation. */
export interface LedgerSnapshot {
  readonly payment_intents: readonly {
    readonly id: string;
    readonly amount: number;
    readonly currency: string;
    readonly status: string;
    readonly amount_refunded: number;
    readonly metadata: Readonly<Record<string, string>>;
  }[];
  readonly refunds: readonly {
    readonly id: string;
    readonly payment_intent: string;
    readonly amount: number;
    readonly status: string;
  }[];
}

interface JournalEntry {
  readonly v: 1;
  readonly changes: readonly Change[];
}

/**
 * The provider's books: PaymentIntents, refunds and stored idempotent answers. The ledger
 * owns the transaction: `transact` runs one unit of work at a time against current state,
 * writes its changes to the journal (one line, so a charge and the answer stored under its
 * idempotency key are durable together or not at all) and applies them only once durable.
 * A failed write changes nothing, so memory never holds what a restart would forget.
 */
export class Ledger implements LedgerView {
  private readonly paymentIntents = new Map<string, StoredPaymentIntent>();
  private readonly refunds = new Map<string, RefundJson>();
  private readonly responses = new Map<string, IdempotencyRecord>();
  private tail: Promise<unknown> = Promise.resolve();

  private readonly journal: Journal;
  private readonly now: () => number;

  constructor(journal: Journal, now: () => number) {
    this.journal = journal;
    this.now = now;
    for (const [index, raw] of journal.replayed.entries()) {
      // Our own lines; the version check catches a file from something else.
      const entry = raw as Partial<JournalEntry> | null;
      if (entry?.v !== 1 || !Array.isArray(entry.changes)) {
        throw new Error(`${journal.location}:${index + 1}: unknown journal entry version`);
      }
      for (const change of entry.changes) this.apply(change);
    }
  }

  paymentIntent(id: string): StoredPaymentIntent | undefined {
    return this.paymentIntents.get(id);
  }

  refund(id: string): RefundJson | undefined {
    return this.refunds.get(id);
  }

  /** The stored answer for (scope, key), unless it is past retention. */
  storedResponse(scope: string, key: string): IdempotencyRecord | undefined {
    const id = responseId(scope, key);
    const record = this.responses.get(id);
    if (record !== undefined && this.now() - record.createdAt >= idempotencyRetentionMs) {
      this.responses.delete(id);
      return undefined;
    }
    return record;
  }

  transact<T>(work: (view: LedgerView) => Decision<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const { result, changes } = work(this);
      if (changes.length > 0) {
        const entry: JournalEntry = { v: 1, changes };
        await this.journal.append(entry);
        for (const change of changes) this.apply(change);
      }
      return result;
    };
    const done = this.tail.then(run);
    this.tail = done.catch(() => undefined);
    return done;
  }

  snapshot(): LedgerSnapshot {
    return {
      payment_intents: [...this.paymentIntents.values()].map(({ json, amountRefunded }) => ({
        id: json.id,
        amount: json.amount,
        currency: json.currency,
        status: json.status,
        amount_refunded: amountRefunded,
        metadata: json.metadata,
      })),
      refunds: [...this.refunds.values()].map((refund) => ({
        id: refund.id,
        payment_intent: refund.payment_intent,
        amount: refund.amount,
        status: refund.status,
      })),
    };
  }

  /** Waits for the work already queued, then closes the journal. */
  async close(): Promise<void> {
    await this.tail;
    await this.journal.close();
  }

  private apply(change: Change): void {
    switch (change.kind) {
      case 'payment_intent':
        this.paymentIntents.set(change.paymentIntent.json.id, change.paymentIntent);
        return;
      case 'refund':
        this.refunds.set(change.refund.id, change.refund);
        return;
      case 'idempotency':
        if (this.now() - change.record.createdAt < idempotencyRetentionMs) {
          this.responses.set(responseId(change.record.scope, change.record.key), change.record);
        }
        return;
    }
  }
}

function responseId(scope: string, key: string): string {
  return `${scope}\n${key}`;
}
