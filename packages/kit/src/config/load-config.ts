import type { z } from 'zod';
import { ConfigError } from './config-error.ts';
import type { ConfigField, ConfigOf, ConfigSpec } from './config-field.ts';
import { nonEmpty, type RawValue, readConfigFile, readSecretFile } from './config-sources.ts';
import { alwaysIgnoredUnknown, findUnknownVariables } from './unknown-variables.ts';

export interface LoadConfigOptions {
  /** Usually `process.env`. Read here once; nothing else should read it after boot. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Optional JSON file whose keys are the variable names; env wins over it. */
  readonly file?: string | undefined;
  /** Unknown variables under this prefix are reported as typos. Default `KEELSON_`. */
  readonly unknownPrefix?: string;
  /**
   * Extra names under the prefix to tolerate; a trailing `*` makes an entry a prefix.
   * `KEELSON_TEST_*` is always tolerated (test suites configure themselves through it).
   */
  readonly ignoreUnknown?: readonly string[];
}

/**
 * Parses a config spec once, at start-up, into a deep-frozen object.
 *
 * Precedence per variable: `<ENV>` or the file named by `<ENV>_FILE` (setting both is a
 * problem), then the JSON `file`, then the field's default. Empty strings count as unset.
 *
 * @throws {ConfigError} listing every problem found (bad values, missing required values,
 * unreadable files, unknown `KEELSON_*` variables), each prefixed by the variable name.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { type ConfigOf, configField, loadConfig } from '@keelson/kit/config';
 *
 * const spec = {
 *   httpPort: configField({ env: 'KEELSON_HTTP_PORT', schema: z.coerce.number().int(), default: 8080, doc: 'API port' }),
 *   databaseUrl: configField({ env: 'KEELSON_DATABASE_URL', schema: z.url(), optional: true, secret: true, doc: 'PostgreSQL' }),
 * } as const;
 * type Config = ConfigOf<typeof spec>; // { readonly httpPort: number; readonly databaseUrl: string | undefined }
 * const config: Config = loadConfig(spec, { env: { KEELSON_HTTP_PORT: '9000' } });
 * config.httpPort; // 9000
 * ```
 */
export function loadConfig<Spec extends ConfigSpec>(spec: Spec, options: LoadConfigOptions): ConfigOf<Spec> {
  const fields = Object.entries(spec);
  const names = new Set<string>();
  for (const [, field] of fields) {
    if (names.has(field.env)) throw new TypeError(`loadConfig: ${field.env} is declared twice in the spec`);
    names.add(field.env);
  }
  const known = new Set([...names, ...[...names].map((name) => `${name}_FILE`)]);

  const problems: string[] = [];
  const fileValues =
    options.file === undefined ? new Map<string, string>() : readConfigFile(options.file, names, problems);
  problems.push(
    ...findUnknownVariables(options.env, known, options.unknownPrefix ?? 'KEELSON_', [
      ...alwaysIgnoredUnknown,
      ...(options.ignoreUnknown ?? []),
    ]),
  );

  const config: Record<string, unknown> = {};
  for (const [key, field] of fields) {
    const raw = rawValue(field, options, fileValues, problems);
    if (raw === 'reported') continue;
    if (raw === undefined) {
      if (field.default === undefined && !field.optional) {
        problems.push(`${field.env}: required but not set (${field.doc})`);
      }
      config[key] = field.default;
      continue;
    }
    const parsed = field.schema.safeParse(raw.value);
    if (parsed.success) {
      config[key] = parsed.data;
    } else {
      const got = field.secret ? '[redacted]' : quote(raw.value);
      problems.push(`${field.env}: ${describeIssues(parsed.error)}, got ${got}${raw.origin}`);
    }
  }

  if (problems.length > 0) throw new ConfigError(problems);
  // Safe: every key of `spec` was assigned its own schema's output, its default, or
  // undefined only when the field is optional, which is exactly what ConfigOf maps to.
  return deepFreeze(config) as ConfigOf<Spec>;
}

/** The winning raw value, `undefined` when no source sets it, or `'reported'` when a problem was recorded. */
function rawValue(
  field: ConfigField<unknown, boolean>,
  options: LoadConfigOptions,
  fileValues: ReadonlyMap<string, string>,
  problems: string[],
): RawValue | 'reported' | undefined {
  const direct = nonEmpty(options.env[field.env]);
  const secretPath = nonEmpty(options.env[`${field.env}_FILE`]);
  if (direct !== undefined && secretPath !== undefined) {
    problems.push(`${field.env}: both ${field.env} and ${field.env}_FILE are set; set only one`);
    return 'reported';
  }
  if (direct !== undefined) return { value: direct, origin: '' };
  if (secretPath !== undefined) {
    const value = readSecretFile(`${field.env}_FILE`, secretPath, problems);
    // An unreadable secret file is already a problem; falling back to the default would hide it.
    return value === undefined ? 'reported' : { value, origin: ` (from ${field.env}_FILE)` };
  }
  const fromFile = fileValues.get(field.env);
  return fromFile === undefined ? undefined : { value: fromFile, origin: ` (from ${options.file ?? 'config file'})` };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
      // Zod's invalid_type text ends in "received NaN" for coercions; the raw value says more.
      const text = issue.code === 'invalid_type' ? `expected ${issue.expected}` : lowerFirst(issue.message);
      return `${text}${where}`;
    })
    .join('; ');
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function quote(value: string): string {
  return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
