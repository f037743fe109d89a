import { parseArgs } from 'node:util';
import { defaultScopes, isScope, type Scope, scopes } from '../../domain/access.ts';
import { type DeadLetterSource, deadLetterSources } from '../../domain/dead-letter.ts';
import { type ListOptions, type ReconcileOptions, type Role, roles } from './cli-commands.ts';

export const usage = `Usage: keelson <command> [--json]

  serve [--role ${roles.join('|')}]            run the service (what npm start runs; default role all)
  migrate up|down|status [--yes]          manage the database schema (down on a server needs --yes)
  tenants create --name NAME              create a tenant (names are labels and may repeat; ids identify)
  tenants list [--name NAME] [--limit N] [--starting-after ID]
                                          list tenants, newest first
  keys create --tenant ID [--scopes ${scopes.join(',')}] [--plan NAME]
                                          create an API key (the token is shown once; default ${defaultScopes.join(',')};
                                          plan: a rate-limit plan of KEELSON_RATE_LIMIT_PLANS, default 'default')
  keys list [--tenant ID] [--limit N] [--starting-after ID]
                                          list API keys (never their secrets), newest first
  keys revoke ID                          revoke an API key
  payments reconcile [--min-age-ms N] [--limit N]
                                          settle payments and refunds left pending, oldest first
                                          (default: pending past the longest request deadline)
  ledger verify                           check that the ledger balances and agrees with the payment
                                          provider; exits 1 when anything disagrees
  outbox republish --from ID --to ID      send the events with ids in [ID, ID] again (published ones
                                          become unpublished; consumers' inboxes absorb duplicates)
  dlq list [--source ${deadLetterSources.join('|')}] [--limit N] [--starting-after ID]
                                          list dead letters (jobs, events, webhooks), newest first
  dlq show ID                             one dead letter, with its payload and last error
  dlq replay ID                           hand it back to its source once (a job runs again)
  dlq discard ID                          mark it discarded (kept, never replayed)
  config print                            print the effective configuration, secrets redacted
  log-level [MODULE LEVEL]                a running server's log level per module; with both, set one
                                          (trace|debug|info|warn|error|fatal|silent; until it restarts)
  help                                    print this text

Every command accepts --json and then prints one JSON object on stdout.`;

/** A command line the CLI cannot run: exit 2, with the usage text. */
export class UsageError extends Error {}

export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'serve'; readonly role: Role }
  | { readonly name: 'migrate'; readonly action: 'up' | 'down' | 'status'; readonly yes: boolean }
  | { readonly name: 'tenants create'; readonly tenantName: string }
  | { readonly name: 'tenants list'; readonly page: ListOptions; readonly tenantName: string | undefined }
  | {
      readonly name: 'keys create';
      readonly tenantId: string;
      readonly scopes: readonly Scope[];
      readonly plan: string | undefined;
    }
  | { readonly name: 'keys list'; readonly page: ListOptions; readonly tenantId: string | undefined }
  | { readonly name: 'keys revoke'; readonly keyId: string }
  | { readonly name: 'payments reconcile'; readonly options: ReconcileOptions }
  | { readonly name: 'ledger verify' }
  | { readonly name: 'outbox republish'; readonly fromId: string; readonly toId: string }
  | { readonly name: 'dlq list'; readonly page: ListOptions; readonly source: DeadLetterSource | undefined }
  | { readonly name: 'dlq show' | 'dlq replay' | 'dlq discard'; readonly id: string }
  | { readonly name: 'config print' }
  | { readonly name: 'log-level'; readonly change: { readonly module: string; readonly level: string } | undefined };

function required(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}`);
  return value;
}

function parseScopes(value: string | undefined): Scope[] {
  if (value === undefined) return [...defaultScopes];
  return value.split(',').map((entry) => {
    const scope = entry.trim();
    if (!isScope(scope)) throw new UsageError(`unknown scope '${scope}' (${scopes.join(', ')})`);
    return scope;
  });
}

/** `--limit` and `--starting-after`; the range of `limit` is the use case's to check. */
function parsePage(values: { limit?: string | undefined; 'starting-after'?: string | undefined }): ListOptions {
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !Number.isInteger(limit)) throw new UsageError(`--limit must be a whole number`);
  return {
    ...(limit === undefined ? {} : { limit }),
    ...(values['starting-after'] === undefined ? {} : { startingAfter: values['starting-after'] }),
  };
}

/** A whole number in [min, max], or undefined when the option is absent. */
function wholeNumber(value: string | undefined, option: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function parseReconcile(values: { 'min-age-ms'?: string | undefined; limit?: string | undefined }): ReconcileOptions {
  const minAgeMs = wholeNumber(values['min-age-ms'], '--min-age-ms', 0, Number.MAX_SAFE_INTEGER);
  const limit = wholeNumber(values.limit, '--limit', 1, 1_000);
  return { ...(minAgeMs === undefined ? {} : { minAgeMs }), ...(limit === undefined ? {} : { limit }) };
}

function parseSource(value: string | undefined): DeadLetterSource | undefined {
  if (value === undefined) return undefined;
  const source = deadLetterSources.find((s) => s === value);
  if (source === undefined) throw new UsageError(`unknown source '${value}' (${deadLetterSources.join('|')})`);
  return source;
}

function parseRole(value: string): Role {
  const role = roles.find((r) => r === value);
  if (role === undefined) throw new UsageError(`unknown role '${value}' (${roles.join('|')})`);
  return role;
}

/** `argv` as one command; `node:util` parse failures (unknown option, missing value) are usage errors. */
export function parseCommandLine(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command = 'serve', sub, arg] = positionals;
  if (values.help) return { name: 'help' };
  if (command === 'log-level') {
    if (sub === undefined) return { name: 'log-level', change: undefined };
    return { name: 'log-level', change: { module: sub, level: required(arg, 'level') } };
  }
  switch (`${command} ${sub ?? ''}`.trim()) {
    case 'help':
      return { name: 'help' };
    case 'serve':
      return { name: 'serve', role: parseRole(values.role) };
    case 'migrate up':
    case 'migrate down':
    case 'migrate status':
      // The case labels are exactly the three subcommands.
      return { name: 'migrate', action: sub as 'up' | 'down' | 'status', yes: values.yes };
    case 'tenants create':
      return { name: 'tenants create', tenantName: required(values.name, '--name') };
    case 'tenants list':
      return { name: 'tenants list', page: parsePage(values), tenantName: values.name };
    case 'keys list':
      return { name: 'keys list', page: parsePage(values), tenantId: values.tenant };
    case 'keys create':
      return {
        name: 'keys create',
        tenantId: required(values.tenant, '--tenant'),
        scopes: parseScopes(values.scopes),
        plan: values.plan,
      };
    case 'keys revoke':
      return { name: 'keys revoke', keyId: required(arg, 'key id') };
    case 'payments reconcile':
      return { name: 'payments reconcile', options: parseReconcile(values) };
    case 'ledger verify':
      return { name: 'ledger verify' };
    case 'outbox republish':
      return { name: 'outbox republish', fromId: required(values.from, '--from'), toId: required(values.to, '--to') };
    case 'dlq list':
      return { name: 'dlq list', page: parsePage(values), source: parseSource(values.source) };
    case 'dlq show':
    case 'dlq replay':
    case 'dlq discard':
      // The case labels are exactly the three subcommands.
      return { name: `dlq ${sub}` as 'dlq show' | 'dlq replay' | 'dlq discard', id: required(arg, 'dead letter id') };
    case 'config print':
      return { name: 'config print' };
    default:
      throw new UsageError(`unknown command '${positionals.join(' ')}'`);
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      name: { type: 'string' },
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      plan: { type: 'string' },
      limit: { type: 'string' },
      'starting-after': { type: 'string' },
      'min-age-ms': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      source: { type: 'string' },
      role: { type: 'string', default: 'all' },
      help: { type: 'boolean', short: 'h', default: false },
      yes: { type: 'boolean', default: false },
    },
  });
}
