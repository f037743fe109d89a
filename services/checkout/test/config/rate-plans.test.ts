import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '@keelson/kit/config';
import pino from 'pino';
import { ratePlansOf } from '../../src/composition/limits.ts';
import { configConflicts, configSpec } from '../../src/config.ts';

// Plans come from the environment or the config file (a plain JSON object there), are checked at
// start-up, and resolve a key's plan name to its policy.

const gold = { rate: 500, burst: 1_000, concurrency: 100 };

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('rate-limit plans in the configuration', () => {
  it('reads named plans from the config file as a JSON object, and the default plan from its variables', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'keelson-plans-')), 'config.json');
    writeFileSync(file, JSON.stringify({ KEELSON_RATE_LIMIT_PLANS: { gold }, KEELSON_RATE_LIMIT_RATE: 20 }));
    const config = loadConfig(configSpec, { env: {}, file });
    assert.deepEqual(config.rateLimitPlans, { gold });
    const plans = ratePlansOf(config, pino({ level: 'silent' }));
    assert.deepEqual(plans.policyOf('gold'), { name: 'gold', ...gold });
    assert.deepEqual(plans.policyOf(undefined), { name: 'default', rate: 20, burst: 200, concurrency: 50 });
    assert.equal(plans.policyOf('retired').name, 'default', 'a plan no longer configured falls back');
  });

  it('refuses a malformed plan, naming the variable and the field', () => {
    const problems = problemsOf(() =>
      loadConfig(configSpec, { env: { KEELSON_RATE_LIMIT_PLANS: JSON.stringify({ gold: { ...gold, rate: 0 } }) } }),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^KEELSON_RATE_LIMIT_PLANS: .* at gold\.rate/);
    assert.match(
      problemsOf(() => loadConfig(configSpec, { env: { KEELSON_RATE_LIMIT_PLANS: '{nope' } }))[0] ?? '',
      /KEELSON_RATE_LIMIT_PLANS: must be a JSON object of plans/,
    );
  });

  it("refuses a named plan called 'default': that one comes from the three variables", () => {
    const config = loadConfig(configSpec, { env: { KEELSON_RATE_LIMIT_PLANS: JSON.stringify({ default: gold }) } });
    assert.match(configConflicts(config).join('\n'), /KEELSON_RATE_LIMIT_PLANS: 'default' is the plan of/);
  });
});
