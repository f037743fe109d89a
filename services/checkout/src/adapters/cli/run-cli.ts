import { inspect } from 'node:util';
import { ConfigError } from '@keelson/kit/config';
import { isAppError } from '@keelson/kit/errors';
import type { LedgerReportWire, ReconcileReportWire } from '../http/admin.wire.ts';
import type { DeadLetterWire } from '../http/dead-letter.wire.ts';
import { AdminApiError } from './admin-api-client.ts';
import type { AdminOperations, CliCommands } from './cli-commands.ts';
import { type Command, parseCommandLine, UsageError, usage } from './command-line.ts';
import { type Printed, print } from './printed.ts';
import { welcome } from './welcome.ts';

async function withAdmin(
  commands: CliCommands,
  applyMigrations: boolean,
  work: (ops: AdminOperations) => Promise<Printed>,
): Promise<Printed> {
  const ops = await commands.admin({ applyMigrations });
  try {
    const printed = await work(ops);
    return { ...printed, text: `${printed.text}\n(via ${ops.via})` };
  } finally {
    await ops.close();
  }
}

/** Columns padded to their widest cell; a last line says how to get the next page. */
function table(header: readonly string[], rows: readonly (readonly string[])[], hasMore: boolean): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const more = hasMore ? [`(more: --starting-after ${rows.at(-1)?.[0] ?? ''})`] : [];
  return [line(header), ...rows.map(line), ...more].join('\n');
}

/**
 * Unset settings print as unset: `String(undefined)` would read like a value. Objects (a table
 * of plans) print as the JSON they are configured with.
 */
function configLine(name: string, value: unknown): string {
  if (value === undefined) return `${name}=(unset)`;
  return `${name}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`;
}

/** A table cell: the first line of an error, cut to fit a terminal. */
function oneLine(text: string): string {
  const first = text.split('\n', 1)[0] ?? '';
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

function deadLetterText(d: DeadLetterWire): string {
  return [
    `${d.id}  ${d.status}${d.resolved_at === null ? '' : ` at ${d.resolved_at}`}`,
    `source:      ${d.source} ${d.name} (message ${d.message_key})`,
    `tenant:      ${d.tenant_id ?? '-'}`,
    `attempts:    ${d.attempts}, dead since ${d.created_at}`,
    `last error:  ${d.last_error}`,
    `payload:     ${JSON.stringify(d.payload)}`,
  ].join('\n');
}

/** A ledger that disagrees is printed like any report, and exits 1 (not the error format). */
function ledgerPrinted(report: LedgerReportWire): Printed {
  const currencies = report.currencies.map(
    (c) => `${c.currency}: debits ${c.debits}, credits ${c.credits}${c.balanced ? '' : ' — UNBALANCED'}`,
  );
  const summary = report.ok
    ? `Ledger agrees: ${report.checked_payments} payments checked against the provider, nothing disagrees.`
    : `Ledger disagrees: ${report.discrepancies.length} discrepancies over ${report.checked_payments} payments checked.`;
  const rows = report.discrepancies.map((d) => [
    d.kind,
    d.payment_id ?? '-',
    d.currency,
    d.ours?.toString() ?? '-',
    d.theirs?.toString() ?? '-',
    d.detail,
  ]);
  const findings = report.ok
    ? []
    : ['', table(['KIND', 'PAYMENT', 'CURRENCY', 'OURS', 'THEIRS', 'DETAIL'], rows, false)];
  return { json: report, text: [summary, ...currencies, ...findings].join('\n'), exitCode: report.ok ? 0 : 1 };
}

async function execute(command: Command, commands: CliCommands, json: boolean): Promise<Printed> {
  switch (command.name) {
    case 'help':
      return { json: { object: 'usage', usage }, text: usage };
    case 'serve': {
      // With --json the banner's object is all stdout carries: logs go to stderr.
      return welcome(await commands.serve(command.role, { json }));
    }
    case 'migrate': {
      if (command.action === 'status') {
        return withAdmin(commands, false, async (ops) => {
          const status = await ops.migrationStatus();
          const pending = status.pending.map((m) => `${m.version} ${m.name}`).join(', ') || 'none';
          return {
            json: { object: 'migration_status', ...status, via: ops.via },
            text: `Schema version ${status.current} of ${status.latest}; pending: ${pending}`,
          };
        });
      }
      const outcome = await commands.migrate(command.action, { yes: command.yes });
      const text =
        outcome.action === 'up'
          ? outcome.applied.length === 0
            ? `Schema already current (${outcome.via})`
            : `Applied migrations ${outcome.applied.join(', ')} to ${outcome.via}`
          : outcome.reverted === null
            ? `Nothing to revert in ${outcome.via}`
            : `Reverted migration ${outcome.reverted} in ${outcome.via}`;
      return { json: outcome, text };
    }
    case 'tenants create':
      return withAdmin(commands, true, async (ops) => {
        const tenant = await ops.createTenant(command.tenantName);
        // Names are labels and may repeat: say so, so nobody picks a tenant by name by mistake.
        const named = await ops.listTenants({ name: tenant.name, limit: 2 });
        const note = named.data.length > 1 ? `\nNote: another tenant is also named ${tenant.name}; use the id.` : '';
        return { json: tenant, text: `Created tenant ${tenant.id} (${tenant.name})${note}` };
      });
    case 'tenants list':
      return withAdmin(commands, true, async (ops) => {
        const list = await ops.listTenants({
          ...command.page,
          ...(command.tenantName === undefined ? {} : { name: command.tenantName }),
        });
        const rows = list.data.map((t) => [t.id, t.created_at, t.name]);
        return { json: list, text: table(['ID', 'CREATED', 'NAME'], rows, list.has_more) };
      });
    case 'keys list':
      return withAdmin(commands, true, async (ops) => {
        const list = await ops.listKeys({
          ...command.page,
          ...(command.tenantId === undefined ? {} : { tenantId: command.tenantId }),
        });
        const rows = list.data.map((k) => [k.id, k.tenant_id, k.scopes.join(','), k.created_at, k.revoked_at ?? '-']);
        return { json: list, text: table(['ID', 'TENANT', 'SCOPES', 'CREATED', 'REVOKED'], rows, list.has_more) };
      });
    case 'keys create':
      return withAdmin(commands, true, async (ops) => {
        const key = await ops.createKey(command.tenantId, command.scopes, command.plan);
        const text = `Created API key ${key.id} for ${key.tenant_id} with scopes ${key.scopes.join(',')} and plan ${key.plan}\n\n  ${key.token}\n\nStore it now: it is shown once and kept only as a hash.`;
        return { json: key, text };
      });
    case 'keys revoke':
      return withAdmin(commands, true, async (ops) => {
        const key = await ops.revokeKey(command.keyId);
        return { json: key, text: `Revoked API key ${key.id} at ${key.revoked_at}` };
      });
    case 'payments reconcile':
      return withAdmin(commands, true, async (ops) => {
        const report = await ops.reconcilePayments(command.options);
        const line = (what: string, r: ReconcileReportWire['payments']) =>
          `${what}: ${r.pending} pending, ${r.settled} settled, ${r.failed} still unresolved`;
        return { json: report, text: [line('Payments', report.payments), line('Refunds', report.refunds)].join('\n') };
      });
    case 'ledger verify':
      return withAdmin(commands, true, async (ops) => ledgerPrinted(await ops.verifyLedger()));
    case 'outbox republish':
      return withAdmin(commands, true, async (ops) => {
        const report = await ops.republishOutbox(command.fromId, command.toId);
        return {
          json: report,
          text: `${report.republished} published events from ${report.from} to ${report.to} handed back to the relay`,
        };
      });
    case 'dlq list':
      return withAdmin(commands, true, async (ops) => {
        const list = await ops.listDeadLetters({
          ...command.page,
          ...(command.source === undefined ? {} : { source: command.source }),
        });
        const rows = list.data.map((d) => [d.id, d.source, d.name, d.status, d.created_at, oneLine(d.last_error)]);
        return {
          json: list,
          text: table(['ID', 'SOURCE', 'NAME', 'STATUS', 'CREATED', 'LAST ERROR'], rows, list.has_more),
        };
      });
    case 'dlq show':
      return withAdmin(commands, true, async (ops) => {
        const letter = await ops.getDeadLetter(command.id);
        return { json: letter, text: deadLetterText(letter) };
      });
    case 'dlq replay':
      return withAdmin(commands, true, async (ops) => {
        const letter = await ops.replayDeadLetter(command.id);
        return {
          json: letter,
          text: `Replayed ${letter.id}: ${letter.source} ${letter.name} ${letter.message_key} handed back once`,
        };
      });
    case 'dlq discard':
      return withAdmin(commands, true, async (ops) => {
        const letter = await ops.discardDeadLetter(command.id);
        return { json: letter, text: `Discarded ${letter.id} (kept, never replayed)` };
      });
    case 'log-level':
      return withAdmin(commands, false, async (ops) => {
        const { change } = command;
        const answer =
          change === undefined ? await ops.logLevels() : await ops.setLogLevel(change.module, change.level);
        const text = Object.entries(answer.levels)
          .map(([module, level]) => `${module.padEnd(10)} ${level}`)
          .join('\n');
        return { json: answer, text };
      });
    case 'config print': {
      const printed = commands.printableConfig();
      return {
        // JSON.stringify would silently drop an undefined value: unset settings print as null.
        json: Object.fromEntries(Object.entries(printed).map(([k, v]) => [k, v ?? null])),
        text: Object.entries(printed)
          .map(([k, v]) => configLine(k, v))
          .join('\n'),
      };
    }
  }
}

/** The `keelson` command line: parse, run, print. Returns the process exit code. */
export async function runCli(argv: readonly string[], commands: CliCommands): Promise<number> {
  // Known before parsing, so even a malformed command line answers in the format asked for.
  const json = argv.includes('--json');
  try {
    const command = parseCommandLine(argv);
    const printed = await execute(command, commands, json);
    print(printed, json);
    return printed.exitCode ?? 0;
  } catch (error) {
    return reportFailure(error, json);
  }
}

function errorCode(error: unknown): string {
  if (isAppError(error) || error instanceof AdminApiError) return error.code;
  if (error instanceof UsageError) return 'usage';
  if (error instanceof ConfigError) return 'invalid_config';
  return 'error';
}

function reportFailure(error: unknown, json: boolean): number {
  const usageProblem = error instanceof UsageError;
  const message = error instanceof Error ? error.message : inspect(error);
  if (json) process.stdout.write(`${JSON.stringify({ object: 'error', code: errorCode(error), message })}\n`);
  else process.stderr.write(`keelson: ${message}\n${usageProblem ? `\n${usage}\n` : ''}`);
  return usageProblem ? 2 : 1;
}
