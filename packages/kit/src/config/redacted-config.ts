import type { ConfigOf, ConfigSpec } from './config-field.ts';

/** What a secret prints as. Unset secrets stay `undefined`, so "not configured" is still visible. */
export const redacted = '[redacted]';

/**
 * The config keyed by variable name, with secret values replaced by `[redacted]`:
 * what `keelson config print` shows and what start-up may log.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { configField, loadConfig, redactedConfig } from '@keelson/kit/config';
 * const spec = { token: configField({ env: 'KEELSON_PSP_TOKEN', schema: z.string(), secret: true, doc: 'PSP API token' }) };
 * const config = loadConfig(spec, { env: { KEELSON_PSP_TOKEN: 's3cr3t' } });
 * redactedConfig(spec, config); // { KEELSON_PSP_TOKEN: '[redacted]' }
 * ```
 */
export function redactedConfig<Spec extends ConfigSpec>(
  spec: Spec,
  config: ConfigOf<Spec>,
): Readonly<Record<string, unknown>> {
  const values: Readonly<Record<string, unknown>> = config;
  const printable: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const value = values[key];
    printable[field.env] = field.secret && value !== undefined ? redacted : value;
  }
  return Object.freeze(printable);
}
