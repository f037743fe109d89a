import { inspect, parseArgs } from 'node:util';
import { ConfigError, loadConfig, redactedConfig } from '@keelson/kit/config';
import { isAppError } from '@keelson/kit/errors';
import type { Scope } from '../app/ports.ts';
import { type Config, configConflicts, configSpec } from '../config.ts';
import { AdminApiError, adminOperations } from './admin-operations.ts';
import { migrate } from './migrate-command.ts';
import { serve } from './serve.ts';

const usage = `Usage: keelson <command> [--json]

  serve [--role api|all]                  run the service (default command of npm start)
  migrate up|down|status [--yes]          manage the database schema (down on a server needs --yes)
  tenants create --name NAME              create a tenant
  keys create --tenant ID [--scopes read,write]
                                          create an API key (the token is shown once)
  keys revoke ID                          revoke an API key
  config print                            print the effective configuration, secrets redacted

Every command accepts --json and then prints one JSON object on stdout.`;

class UsageError extends Error {}

function parseScopes(value: string | undefined): Scope[] {
  const scopes = (value ?? 'read,write').split(',').map((s) => s.trim());
  for (const scope of scopes) {
    if (scope !== 'read' && scope !== 'write' && scope !== 'admin') throw new UsageError(`unknown scope '${scope}'`);
  }
  // Each entry was checked against the Scope union just above.
  return scopes as Scope[];
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${flag}`);
  return value;
}

async function withAdmin(
  config: Config,
  json: boolean,
  work: (ops: Awaited<ReturnType<typeof adminOperations>>) => Promise<Record<string, unknown>>,
  describe: (out: Record<string, unknown>) => string,
): Promise<void> {
  const ops = await adminOperations(config);
  try {
    const out = await work(ops);
    if (json) process.stdout.write(`${JSON.stringify(out)}\n`);
    else process.stdout.write(`${describe(out)}\n(via ${ops.via})\n`);
  } finally {
    await ops.close();
  }
}

/** The `keelson` command line. Returns the process exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Known before parsing, so even a malformed command line answers in the format asked for.
  const json = argv.includes('--json');
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    return reportFailure(error, json);
  }
  const { values, positionals } = parsed;
  const [command = 'serve', sub, arg] = positionals;
  try {
    if (values.help) {
      process.stdout.write(json ? `${JSON.stringify({ object: 'usage', usage })}\n` : `${usage}\n`);
      return 0;
    }
    const config = loadConfig(configSpec, {
      env,
      file: env.KEELSON_CONFIG_FILE,
      ignoreUnknown: ['KEELSON_CONFIG_FILE'],
    });
    const conflicts = configConflicts(config);
    if (conflicts.length > 0) throw new ConfigError(conflicts);
    switch (`${command} ${sub ?? ''}`.trim()) {
      case 'serve':
        if (values.role !== 'api' && values.role !== 'all')
          throw new UsageError(`unknown role '${values.role}' (api|all)`);
        return await serve(config, json);
      case 'migrate up':
      case 'migrate down':
      case 'migrate status':
        // The switch matched one of the three literal subcommands.
        return await migrate(config, sub as 'up' | 'down' | 'status', { json, yes: values.yes });
      case 'tenants create': {
        const name = required(values.name, '--name');
        await withAdmin(
          config,
          json,
          (ops) => ops.createTenant(name),
          (t) => `Created tenant ${String(t.id)} (${String(t.name)})`,
        );
        return 0;
      }
      case 'keys create': {
        const tenant = required(values.tenant, '--tenant');
        const scopes = parseScopes(values.scopes);
        await withAdmin(
          config,
          json,
          (ops) => ops.createKey(tenant, scopes),
          (k) =>
            `Created API key ${String(k.id)} for ${String(k.tenant_id)} with scopes ${String(k.scopes)}\n\n  ${String(k.token)}\n\nStore it now: it is shown once and kept only as a hash.`,
        );
        return 0;
      }
      case 'keys revoke': {
        const id = required(arg, 'key id');
        await withAdmin(
          config,
          json,
          (ops) => ops.revokeKey(id),
          (k) => `Revoked API key ${String(k.id)} at ${String(k.revoked_at)}`,
        );
        return 0;
      }
      case 'config print': {
        const printed = redactedConfig(configSpec, config);
        process.stdout.write(
          json
            ? // Unset settings print as null: JSON.stringify would silently drop an undefined value.
              `${JSON.stringify(printed, (_key, value: unknown) => (value === undefined ? null : value))}\n`
            : `${Object.entries(printed)
                .map(([k, v]) => `${k}=${String(v)}`)
                .join('\n')}\n`,
        );
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${positionals.join(' ')}'`);
    }
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

/** `node:util` parseArgs failures (unknown option, missing value) are usage errors. */
function parseCommandLine(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        name: { type: 'string' },
        tenant: { type: 'string' },
        scopes: { type: 'string' },
        role: { type: 'string', default: 'all' },
        help: { type: 'boolean', short: 'h', default: false },
        yes: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
