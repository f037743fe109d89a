import type { MigrationStatus } from '@keelson/kit/db';
import type { Scope } from '../../domain/access.ts';
import type { DeadLetterSource } from '../../domain/dead-letter.ts';
import type {
  ApiKeyListWire,
  CreatedApiKeyWire,
  LedgerReportWire,
  OutboxRepublishWire,
  ReconcileReportWire,
  RevokedApiKeyWire,
  TenantListWire,
  TenantWire,
} from '../http/admin.wire.ts';
import type { DeadLetterListWire, DeadLetterWire } from '../http/dead-letter.wire.ts';
import type { LogLevelsWire } from '../http/log-levels.admin.http.ts';

// What the CLI asks of the service; the composition root implements it. Results are the admin
// API's own wire shapes, so `--json` prints the same objects whichever way the CLI reached the data.

/** One page of a list: at most `limit` items after the id `startingAfter`, newest first. */
export interface ListOptions {
  readonly limit?: number;
  readonly startingAfter?: string;
}

/** What `keelson serve --role` starts: the public API, the background workers, or both. */
export const roles = ['api', 'worker', 'all'] as const;
export type Role = (typeof roles)[number];

/** `payments reconcile` options; unset ones take the service's defaults (from its config). */
export interface ReconcileOptions {
  readonly minAgeMs?: number;
  readonly limit?: number;
}

/**
 * Tenants, keys and the payment upkeep, wherever the data lives: the running server's admin
 * API, or the data itself (with the provider the configuration names).
 */
export interface AdminOperations {
  /** How the CLI reached the data, for the user. */
  readonly via: string;
  createTenant(name: string): Promise<TenantWire>;
  listTenants(options: ListOptions & { readonly name?: string }): Promise<TenantListWire>;
  createKey(tenantId: string, scopes: readonly Scope[], plan?: string): Promise<CreatedApiKeyWire>;
  listKeys(options: ListOptions & { readonly tenantId?: string }): Promise<ApiKeyListWire>;
  revokeKey(id: string): Promise<RevokedApiKeyWire>;
  migrationStatus(): Promise<MigrationStatus>;
  reconcilePayments(options: ReconcileOptions): Promise<ReconcileReportWire>;
  verifyLedger(): Promise<LedgerReportWire>;
  republishOutbox(fromId: string, toId: string): Promise<OutboxRepublishWire>;
  listDeadLetters(options: ListOptions & { readonly source?: DeadLetterSource }): Promise<DeadLetterListWire>;
  getDeadLetter(id: string): Promise<DeadLetterWire>;
  replayDeadLetter(id: string): Promise<DeadLetterWire>;
  discardDeadLetter(id: string): Promise<DeadLetterWire>;
  /** A running server's log levels per module (a process setting: there is none without a server). */
  logLevels(): Promise<LogLevelsWire>;
  setLogLevel(module: string, level: string): Promise<LogLevelsWire>;
  close(): Promise<void>;
}

export type MigrationOutcome =
  | {
      readonly object: 'migration_result';
      readonly action: 'up';
      readonly applied: readonly number[];
      readonly via: string;
    }
  | {
      readonly object: 'migration_result';
      readonly action: 'down';
      readonly reverted: number | null;
      readonly via: string;
    };

/** A server that is listening, for the welcome banner. */
export interface Serving {
  /** Absent for the worker role. */
  readonly apiAddress: string | undefined;
  readonly adminAddress: string;
  readonly database: string;
  /** The demo tenant and its key: on the first start of an embedded data directory only. */
  readonly demo: { readonly tenantId: string; readonly token: string } | undefined;
}

export interface CliCommands {
  /** Starts the service, which runs until a signal stops it; resolves once it serves. */
  serve(role: Role, options: { readonly json: boolean }): Promise<Serving>;
  migrate(action: 'up' | 'down', options: { readonly yes: boolean }): Promise<MigrationOutcome>;
  /** `applyMigrations: false` only looks (migrate status). */
  admin(options: { readonly applyMigrations: boolean }): Promise<AdminOperations>;
  /** The effective configuration, secrets redacted, unset settings as `undefined`. */
  printableConfig(): Readonly<Record<string, unknown>>;
}
