import type { MigrationStatus } from '@keelson/kit/db';
import type { LedgerReportWire, OutboxRepublishWire, ReconcileReportWire } from '../http/admin.wire.ts';
import type { DeadLetterListWire, DeadLetterWire } from '../http/dead-letter.wire.ts';
import type { LogLevelsWire } from '../http/log-levels.admin.http.ts';
import type { AdminOperations, ListOptions } from './cli-commands.ts';

/** The admin API's list query: snake_case names, unset options left out. */
function listQuery(options: ListOptions, filter: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  const entries = { limit: options.limit?.toString(), starting_after: options.startingAfter, ...filter };
  for (const [name, value] of Object.entries(entries)) if (value !== undefined) query.set(name, value);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** A failure answered by the admin API, keeping its problem `code` for the CLI's output. */
export class AdminApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** How long a call may take: the server's default deadline, or a longer one it is asked for. */
const defaultWaitMs = 10_000;
// Reconcile and verify call the provider once per item: they ask for this much (the server caps
// it at its KEELSON_MAX_REQUEST_TIMEOUT_MS) and wait a little longer for the answer.
const upkeepDeadlineMs = 30_000;

/** The admin API of a running server: how the CLI reaches an embedded database that server holds. */
export function adminApiClient(adminUrl: string, token: string): AdminOperations {
  // The caller names the shape the route answers; the admin API's wire mappers produce it.
  async function call<T>(method: string, path: string, body?: unknown, deadlineMs?: number): Promise<T> {
    const response = await fetch(`${adminUrl}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(deadlineMs === undefined ? {} : { 'x-request-deadline': new Date(Date.now() + deadlineMs).toISOString() }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(deadlineMs === undefined ? defaultWaitMs : deadlineMs + 5_000),
    });
    const json: unknown = await response.json();
    if (!response.ok) {
      // Failures are problem documents: `code` and `detail`.
      const problem = (json ?? {}) as { code?: unknown; detail?: unknown };
      throw new AdminApiError(String(problem.code ?? response.status), String(problem.detail ?? response.statusText));
    }
    return json as T;
  }
  return {
    via: `the running server's admin API at ${adminUrl}`,
    createTenant: (name) => call('POST', '/tenants', { name }),
    listTenants: (options) => call('GET', `/tenants${listQuery(options, { name: options.name })}`),
    createKey: (tenantId, scopes, plan) =>
      call('POST', '/keys', { tenant_id: tenantId, scopes, ...(plan === undefined ? {} : { plan }) }),
    listKeys: (options) => call('GET', `/keys${listQuery(options, { tenant_id: options.tenantId })}`),
    revokeKey: (id) => call('POST', `/keys/${encodeURIComponent(id)}/revoke`),
    migrationStatus: () => call<MigrationStatus>('GET', '/migrations'),
    reconcilePayments: (options) =>
      call<ReconcileReportWire>(
        'POST',
        '/payments/reconcile',
        { min_age_ms: options.minAgeMs, limit: options.limit },
        upkeepDeadlineMs,
      ),
    verifyLedger: () => call<LedgerReportWire>('GET', '/ledger/verify', undefined, upkeepDeadlineMs),
    republishOutbox: (from, to) => call<OutboxRepublishWire>('POST', '/outbox/republish', { from, to }),
    listDeadLetters: (options) =>
      call<DeadLetterListWire>('GET', `/dead_letters${listQuery(options, { source: options.source })}`),
    getDeadLetter: (id) => call<DeadLetterWire>('GET', `/dead_letters/${encodeURIComponent(id)}`),
    replayDeadLetter: (id) => call<DeadLetterWire>('POST', `/dead_letters/${encodeURIComponent(id)}/replay`),
    discardDeadLetter: (id) => call<DeadLetterWire>('POST', `/dead_letters/${encodeURIComponent(id)}/discard`),
    logLevels: () => call<LogLevelsWire>('GET', '/log_levels'),
    setLogLevel: (module, level) => call<LogLevelsWire>('PUT', `/log_levels/${encodeURIComponent(module)}`, { level }),
    close: async () => {},
  };
}
