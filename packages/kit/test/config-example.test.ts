// The TSDoc examples of @keelson/kit/config, verbatim, so the type-checker compiles them
// and the test proves the values their comments claim.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type ConfigOf, configField, loadConfig, redactedConfig } from '@keelson/kit/config';
import { z } from 'zod';

it('loadConfig example', () => {
  const spec = {
    httpPort: configField({
      env: 'KEELSON_HTTP_PORT',
      schema: z.coerce.number().int(),
      default: 8080,
      doc: 'API port',
    }),
    databaseUrl: configField({
      env: 'KEELSON_DATABASE_URL',
      schema: z.url(),
      optional: true,
      secret: true,
      doc: 'PostgreSQL',
    }),
  } as const;
  type Config = ConfigOf<typeof spec>; // { readonly httpPort: number; readonly databaseUrl: string | undefined }
  const config: Config = loadConfig(spec, { env: { KEELSON_HTTP_PORT: '9000' } });
  assert.equal(config.httpPort, 9000);
});

it('redactedConfig example', () => {
  const spec = {
    token: configField({ env: 'KEELSON_PSP_TOKEN', schema: z.string(), secret: true, doc: 'PSP API token' }),
  };
  const config = loadConfig(spec, { env: { KEELSON_PSP_TOKEN: 's3cr3t' } });
  assert.deepEqual(redactedConfig(spec, config), { KEELSON_PSP_TOKEN: '[redacted]' });
});

it('configField example', () => {
  const httpPort = configField({
    env: 'KEELSON_HTTP_PORT',
    schema: z.coerce.number().int().min(0).max(65535),
    default: 8080,
    doc: 'Public API port',
  });
  assert.equal(loadConfig({ httpPort }, { env: {} }).httpPort, 8080);
});
