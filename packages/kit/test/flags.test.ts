import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createFlags, type FlagEvaluation } from '../src/flags/index.ts';

const boolean = (defaultVariant: 'on' | 'off', targeting?: unknown) => ({
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant,
  ...(targeting === undefined ? {} : { targeting }),
});

function flagFile(flags: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-flags-'));
  const path = join(dir, 'flags.json');
  const write = (next: Record<string, unknown>) => writeFileSync(path, JSON.stringify({ flags: next }));
  write(flags);
  return { path, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('feature flags (OpenFeature + flagd file format)', () => {
  it('without a file every flag answers its fallback', async () => {
    const seen: FlagEvaluation[] = [];
    const flags = await createFlags({ onEvaluation: (e) => seen.push(e) });
    assert.equal(await flags.enabled('anything', true, { tenant: 'ten_1' }), true);
    assert.equal(await flags.enabled('anything', false, {}), false);
    assert.deepEqual(seen[0], { key: 'anything', value: true, reason: 'DEFAULT', tenant: 'ten_1' });
    await flags.close();
  });

  it('targets tenants, rolls out by percentage (sticky per tenant), and kills switches', async (t) => {
    const file = flagFile({
      'per-tenant': boolean('off', { if: [{ in: [{ var: 'tenant' }, ['ten_a', 'ten_b']] }, 'on', 'off'] }),
      rollout: boolean('off', {
        fractional: [
          ['on', 30],
          ['off', 70],
        ],
      }),
      'kill-switch': boolean('off'),
    });
    t.after(file.remove);
    const seen: FlagEvaluation[] = [];
    const flags = await createFlags({ file: file.path, onEvaluation: (e) => seen.push(e) });
    t.after(() => flags.close());

    assert.equal(await flags.enabled('per-tenant', false, { tenant: 'ten_a' }), true);
    assert.equal(await flags.enabled('per-tenant', false, { tenant: 'ten_c' }), false);
    assert.equal(await flags.enabled('kill-switch', true, { tenant: 'ten_a' }), false, 'off for everyone');
    assert.equal(
      await flags.enabled('missing', true, { tenant: 'ten_a' }),
      true,
      'an unknown flag answers its fallback',
    );

    let on = 0;
    for (let i = 0; i < 2_000; i++) {
      const tenant = `ten_${i}`;
      const first = await flags.enabled('rollout', false, { tenant });
      assert.equal(await flags.enabled('rollout', false, { tenant }), first, `sticky for ${tenant}`);
      if (first) on += 1;
    }
    assert.ok(on > 2_000 * 0.25 && on < 2_000 * 0.35, `30% rollout gave ${on} of 2000`);
    assert.ok(seen.some((e) => e.key === 'per-tenant' && e.reason === 'TARGETING_MATCH' && e.value));
  });

  it('applies an edit of the file within 5 s, and keeps the last good flags over a broken edit', async (t) => {
    const file = flagFile({ switch: boolean('off') });
    t.after(file.remove);
    const errors: unknown[] = [];
    const flags = await createFlags({ file: file.path, onReloadError: (e) => errors.push(e) });
    t.after(() => flags.close());
    assert.equal(await flags.enabled('switch', false, {}), false);

    const edited = performance.now();
    file.write({ switch: boolean('on') });
    while (!(await flags.enabled('switch', false, {}))) {
      assert.ok(performance.now() - edited < 5_000, 'the edit applied within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.diagnostic(`edit applied after ${(performance.now() - edited).toFixed(0)} ms`);

    writeFileSync(file.path, '{ not json');
    while (errors.length === 0) {
      assert.ok(performance.now() - edited < 15_000, 'the broken edit was read');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(await flags.enabled('switch', false, {}), true, 'the last good flags stay');
  });
});
