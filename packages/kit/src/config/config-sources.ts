import { readFileSync } from 'node:fs';

/** A raw value found for one variable, with where it came from for error messages. */
export interface RawValue {
  readonly value: string;
  /** Appended to problems, e.g. ` (from /etc/keelson.json)`; empty for the plain env var. */
  readonly origin: string;
}

/** Empty strings count as unset, so `KEELSON_X=` in a compose file cannot mask a default. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the JSON config file (keys are env names) into strings, so one schema serves
 * both env and file: scalars as their text, objects and arrays as their JSON. Problems are pushed, not thrown, to report everything at once.
 */
export function readConfigFile(path: string, known: ReadonlySet<string>, problems: string[]): Map<string, string> {
  const values = new Map<string, string>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    problems.push(
      `config file ${path}: ${error instanceof SyntaxError ? 'invalid JSON' : 'cannot read'} (${reason(error)})`,
    );
    return values;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(`config file ${path}: expected a JSON object whose keys are variable names`);
    return values;
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) {
      problems.push(`${key}: unknown key in config file ${path}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const text = nonEmpty(String(value));
      if (text !== undefined) values.set(key, text);
    } else if (value !== null) {
      // An object or array (e.g. a table of plans) reaches the schema as its JSON text, the same
      // text the environment variable would carry.
      values.set(key, JSON.stringify(value));
    }
  }
  return values;
}

/**
 * Reads a `<ENV>_FILE` secret (Docker/Kubernetes secret mounts). Only trailing newlines are
 * trimmed: editors add one, but other whitespace may be part of the secret.
 */
export function readSecretFile(variable: string, path: string, problems: string[]): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`${variable}: cannot read ${path} (${reason(error)})`);
    return undefined;
  }
  const value = text.replace(/(\r?\n)+$/, '');
  if (value === '') {
    problems.push(`${variable}: ${path} is empty`);
    return undefined;
  }
  return value;
}

function reason(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}
