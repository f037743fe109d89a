import { createContext } from '@keelson/kit/context';
import type { Migrator } from '@keelson/kit/db';
import pino from 'pino';
import type { Application } from '../../app/application.ts';
import { pageLimits } from '../../app/page-limit.ts';
import type { ReconcileInput } from '../../app/payments/reconcile.ts';
import {
  keyListToWire,
  keyToWire,
  ledgerReportToWire,
  reconcileReportToWire,
  republishToWire,
  revokedKeyToWire,
  tenantListToWire,
  tenantToWire,
} from '../http/admin.wire.ts';
import { deadLetterListToWire, deadLetterToWire } from '../http/dead-letter.wire.ts';
import type { AdminOperations, ListOptions } from './cli-commands.ts';

/** A context for one CLI operation: the same deadline discipline as a request; silent logs. */
function operationContext() {
  return createContext({ requestId: `cli_${process.pid}`, timeoutMs: 30_000, logger: pino({ level: 'silent' }) });
}

/** The page the use cases expect: the public lists' default size when none is asked for. */
function pageOf(options: ListOptions) {
  return {
    limit: options.limit ?? pageLimits.default,
    ...(options.startingAfter === undefined ? {} : { startingAfter: options.startingAfter }),
  };
}

const noServer = 'log levels belong to a running server, and none holds this data: start one, or point the CLI at it';

export interface LocalAdminDeps {
  readonly app: Application;
  readonly migrator: Migrator;
  /** How the CLI reached the data, for the user. */
  readonly via: string;
  /** Reconcile and verify settings, as the server's periodic run uses them. */
  readonly upkeep: { readonly reconcile: ReconcileInput; readonly overdueAfterMs: number };
  /** Why payment commands cannot run from this process, if they cannot. */
  readonly providerProblem: string | undefined;
  close(): Promise<void>;
}

/**
 * The CLI's admin operations on the data itself (PostgreSQL, or a data directory no server
 * holds): the use cases called directly, answered in the admin API's wire shapes, so `--json`
 * prints the same objects whichever way the CLI reached the data.
 */
export function localAdminOperations(deps: LocalAdminDeps): AdminOperations {
  const { app, upkeep } = deps;
  const withProvider = <T>(work: () => Promise<T>): Promise<T> =>
    deps.providerProblem === undefined ? work() : Promise.reject(new Error(deps.providerProblem));
  return {
    via: deps.via,
    createTenant: async (name) => tenantToWire(await app.access.createTenant(operationContext(), { name })),
    listTenants: async (options) =>
      tenantListToWire(
        await app.access.listTenants(operationContext(), {
          ...pageOf(options),
          ...(options.name === undefined ? {} : { name: options.name }),
        }),
      ),
    listKeys: async (options) =>
      keyListToWire(
        await app.access.listApiKeys(operationContext(), {
          ...pageOf(options),
          ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
        }),
      ),
    createKey: async (tenantId, scopes, plan) =>
      keyToWire(await app.access.createApiKey(operationContext(), { tenantId, scopes, plan })),
    revokeKey: async (id) => revokedKeyToWire(await app.access.revokeApiKey(operationContext(), { keyId: id })),
    migrationStatus: () => deps.migrator.status(),
    reconcilePayments: (options) =>
      withProvider(async () =>
        reconcileReportToWire(
          await app.commands.reconcilePayments(operationContext(), { ...upkeep.reconcile, ...options }),
        ),
      ),
    verifyLedger: () =>
      withProvider(async () =>
        ledgerReportToWire(
          await app.queries.verifyLedger(operationContext(), { pendingOlderThanMs: upkeep.overdueAfterMs }),
        ),
      ),
    republishOutbox: async (fromId, toId) =>
      republishToWire(await app.commands.republishEvents(operationContext(), { fromId, toId })),
    listDeadLetters: async (options) =>
      deadLetterListToWire(
        await app.deadLetters.list(operationContext(), {
          ...pageOf(options),
          ...(options.source === undefined ? {} : { source: options.source }),
        }),
      ),
    getDeadLetter: async (id) => deadLetterToWire(await app.deadLetters.get(operationContext(), id)),
    replayDeadLetter: async (id) => deadLetterToWire(await app.deadLetters.replay(operationContext(), id)),
    discardDeadLetter: async (id) => deadLetterToWire(await app.deadLetters.discard(operationContext(), id)),
    logLevels: () => Promise.reject(new Error(noServer)),
    setLogLevel: () => Promise.reject(new Error(noServer)),
    close: () => deps.close(),
  };
}
