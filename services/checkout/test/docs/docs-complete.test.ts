import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configSpec } from '../../src/config.ts';
import { checkoutErrorCodes } from '../../src/domain/errors.ts';

const root = join(import.meta.dirname, '../../../..');

// The README and the error page are promises to users: they must not fall behind the code.
describe('documentation is complete', () => {
  it('docs/errors.md documents every error code', () => {
    const page = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    const missing = checkoutErrorCodes.filter((code) => !page.includes(`| \`${code}\` |`));
    assert.deepEqual(missing, [], `add these codes to docs/errors.md: ${missing.join(', ')}`);
  });

  it('README documents every configuration variable', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const missing = Object.values(configSpec)
      .map((field) => field.env)
      .filter((env) => !readme.includes(`| \`${env}\` |`));
    assert.deepEqual(missing, [], `add these variables to the README's configuration table: ${missing.join(', ')}`);
  });
});
