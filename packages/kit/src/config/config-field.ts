import type { z } from 'zod';

/**
 * One setting: where it comes from (`env`), how it is parsed (`schema`), and what happens
 * when it is absent (a `default`, `optional`, or else it is required).
 * Build it with {@link configField}; the type parameters carry the parsed type to {@link ConfigOf}.
 */
export interface ConfigField<Value, Optional extends boolean> {
  /** Environment variable name; also the key in the JSON config file. */
  readonly env: string;
  /** Parses the raw string (env, `<ENV>_FILE`) or JSON value (config file). */
  readonly schema: z.ZodType<Value>;
  /** Used when no source sets the variable; never passed through the schema. */
  readonly default: Value | undefined;
  readonly optional: Optional;
  /** Secret values are never echoed in errors and print as `[redacted]`. */
  readonly secret: boolean;
  /** One line for `keelson config print` and the generated docs. */
  readonly doc: string;
}

/** What a whole spec object may hold. */
export type ConfigSpec = Readonly<Record<string, ConfigField<unknown, boolean>>>;

/** The parsed, read-only config a spec describes: optional fields are `T | undefined`. */
export type ConfigOf<Spec extends ConfigSpec> = {
  readonly [K in keyof Spec]: Spec[K] extends ConfigField<infer Value, infer Optional>
    ? Optional extends true
      ? Value | undefined
      : Value
    : never;
};

interface FieldOptionsBase<S extends z.ZodType> {
  readonly env: string;
  readonly schema: S;
  readonly doc: string;
  readonly secret?: boolean;
}

/** A required setting, or one with a default. */
export interface RequiredFieldOptions<S extends z.ZodType> extends FieldOptionsBase<S> {
  readonly default?: z.output<S>;
  readonly optional?: false;
}

/** A setting that may be absent; it then reads as `undefined`. */
export interface OptionalFieldOptions<S extends z.ZodType> extends FieldOptionsBase<S> {
  readonly optional: true;
  /** A default would make `optional` meaningless. */
  readonly default?: never;
}

/**
 * Declares one setting of a config spec.
 *
 * Sources, highest precedence first: the environment variable (or the file named by
 * `<ENV>_FILE`), then the JSON config file, then `default`. Every source feeds the
 * schema a string (file numbers/booleans are stringified), so use `z.coerce.number()`
 * and `z.stringbool()` rather than `z.number()` / `z.coerce.boolean()`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { configField } from '@keelson/kit/config';
 * const httpPort = configField({
 *   env: 'KEELSON_HTTP_PORT',
 *   schema: z.coerce.number().int().min(0).max(65535),
 *   default: 8080,
 *   doc: 'Public API port',
 * });
 * ```
 */
export function configField<S extends z.ZodType>(options: OptionalFieldOptions<S>): ConfigField<z.output<S>, true>;
export function configField<S extends z.ZodType>(options: RequiredFieldOptions<S>): ConfigField<z.output<S>, false>;
export function configField<S extends z.ZodType>(
  options: RequiredFieldOptions<S> | OptionalFieldOptions<S>,
): ConfigField<z.output<S>, boolean> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(options.env) || options.env.endsWith('_FILE')) {
    throw new TypeError(`configField: '${options.env}' must be UPPER_SNAKE_CASE and must not end in _FILE`);
  }
  return {
    env: options.env,
    // Safe: z.output<S> is by definition what S produces; TS cannot relate a generic S to it.
    schema: options.schema as z.ZodType<z.output<S>>,
    default: options.default,
    optional: options.optional === true,
    secret: options.secret === true,
    doc: options.doc,
  };
}
