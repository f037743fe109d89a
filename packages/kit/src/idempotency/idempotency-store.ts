/** Where a key is unique: per tenant, never across tenants. */
export interface IdempotencyScope {
  readonly tenant: string;
  readonly key: string;
}

/** A final outcome as it is replayed: status, the replayable headers, and the exact body bytes. */
export interface StoredResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/**
 * The right to execute under a key, held by one attempt at a time. `token` fences it: once
 * another attempt took an expired lease over, the old holder's `complete`/`release` match nothing.
 */
export interface IdempotencyLease extends IdempotencyScope {
  readonly token: string;
}

/** A key's record as `get` reads it. Times are epoch milliseconds. */
export interface IdempotencyRecord {
  readonly fingerprint: string;
  /** Executions begun under this key since it was created (1 for the first). */
  readonly attempts: number;
  /** When the current lease ends; `undefined` when no attempt holds it. */
  readonly lockedUntil: number | undefined;
  /** The final outcome, once completed. */
  readonly response: StoredResponse | undefined;
  /** From then on the record counts as absent, and `purge` may delete it. */
  readonly expiresAt: number;
}

/** Every store call carries the wall-clock time (epoch ms) by which it must have answered. */
export interface StoreCall {
  readonly deadline: number;
}

/** Input of `tryLock`: the new lease and the times it is judged by. */
export interface LockRequest extends StoreCall {
  readonly fingerprint: string;
  /** The new lease's token. */
  readonly token: string;
  /** The time every comparison is made against (the core's clock, never the database's). */
  readonly now: number;
  readonly lockedUntil: number;
  readonly expiresAt: number;
}

/** Whether `tryLock` gave the lease, and if so how many executions the key has seen. */
export type LockResult = { readonly locked: true; readonly attempts: number } | { readonly locked: false };

/** Input of `complete`: the outcome, and when the record then expires. */
export interface CompleteRequest extends StoreCall {
  readonly response: StoredResponse;
  readonly now: number;
  readonly expiresAt: number;
}

/** Input of `release`. */
export interface ReleaseRequest extends StoreCall {
  /**
   * Delete the record if this lease was the key's first execution (`attempts` 1), so nothing of a
   * request rejected before it executed stays behind; otherwise only unlock it.
   */
  readonly forget: boolean;
}

/** Input of `purge`. */
export interface PurgeRequest extends StoreCall {
  readonly now: number;
  /** Most records one call deletes, so each statement stays short. */
  readonly limit: number;
}

/**
 * The storage behind idempotency keys: five operations, each atomic on its own. Times are passed
 * in (epoch ms, from the core's clock), so every backend agrees and tests control expiry; stores
 * never read a clock of their own for these decisions.
 */
export interface IdempotencyStore {
  /**
   * In one atomic step, gives the lease to `token` and returns `{ locked: true, attempts }`
   * when the key
   * - has no record, or one that expired (`expiresAt <= now`, no live lease): a fresh record
   *   with `fingerprint`, `attempts` 1;
   * - has a record with the same fingerprint, no final response, and no live lease (released, or
   *   `lockedUntil <= now`): taken over, `attempts` + 1.
   * Otherwise changes nothing and returns `{ locked: false }`: inspect the record with `get`.
   * Of any number of concurrent calls that could take the key, exactly one does.
   */
  tryLock(scope: IdempotencyScope, request: LockRequest): Promise<LockResult>;
  get(scope: IdempotencyScope, call: StoreCall): Promise<IdempotencyRecord | undefined>;
  /**
   * Stores the final response and ends the lease, if `lease` still holds the key (its token
   * matches and no response is stored yet); returns whether it did.
   */
  complete(lease: IdempotencyLease, request: CompleteRequest): Promise<boolean>;
  /** Ends the lease without a response (see `forget`), if `lease` still holds the key. */
  release(lease: IdempotencyLease, request: ReleaseRequest): Promise<void>;
  /** Deletes up to `limit` expired records that no live lease holds; returns how many. */
  purge(request: PurgeRequest): Promise<number>;
}
