// SLOs as code (issue 10 §5): the committed rules, promtool tests and dashboard are exactly what
// `npm run slo` generates; promtool accepts the rules and their unit tests pass (synthetic series
// that must page, must only ticket, must stay quiet); every alert links to a runbook section that
// exists; the latency threshold is a bucket edge of the service's histogram.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { ruleGroups } from '../../../../deploy/slo/burn-rate-rules.ts';
import { defaultRunbookBase, generate, outputs } from '../../../../deploy/slo/generate.ts';
import { latencyThresholdSeconds, slos } from '../../../../deploy/slo/slos.ts';
import { httpDurationBuckets } from '../../src/composition/http-buckets.ts';
import { promtoolSkip, runPromtool } from '../support/promtool.ts';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const run = (args: readonly string[]) => runPromtool(args, { cwd: root });

describe('SLOs as code', () => {
  it('the committed files are what npm run slo generates', () => {
    for (const [path, content] of Object.entries(generate())) {
      assert.equal(readFileSync(join(root, path), 'utf8'), content, `${path} is stale: run npm run slo`);
    }
  });

  it('pages on 1h/5m at 14.4x and 6h/30m at 6x, tickets on 3d/6h at 1x, for every SLO', () => {
    const groups = ruleGroups(slos, defaultRunbookBase);
    assert.equal(groups.length, 4);
    for (const slo of slos) {
      const rules = groups.find((group) => group.name === `slo-${slo.name}`)?.rules ?? [];
      const alerts = rules.filter((rule) => 'alert' in rule);
      assert.deepEqual(
        alerts.map((rule) => [rule.alert, rule.labels.severity]),
        [
          [`${slo.alert}BurnFast`, 'page'],
          [`${slo.alert}BurnSlow`, 'ticket'],
        ],
      );
    }
    const availability = readFileSync(join(root, outputs.rules), 'utf8');
    assert.match(availability, /slo:error_ratio:rate1h\{slo="api_availability"\} > 0\.0144 and slo:error_ratio:rate5m/);
    assert.match(availability, /slo:error_ratio:rate6h\{slo="api_availability"\} > 0\.006 and slo:error_ratio:rate30m/);
    assert.match(availability, /slo:error_ratio:rate3d\{slo="api_availability"\} > 0\.001 and slo:error_ratio:rate6h/);
  });

  it('every alert links to a runbook section that exists', () => {
    const file = parse(readFileSync(join(root, outputs.rules), 'utf8')) as {
      groups: { rules: { alert?: string; annotations?: { runbook_url?: string } }[] }[];
    };
    const alerts = file.groups.flatMap((group) => group.rules).filter((rule) => rule.alert !== undefined);
    assert.equal(alerts.length, 8);
    for (const alert of alerts) {
      const [path, anchor] = (alert.annotations?.runbook_url ?? '').split('#');
      assert.ok(path !== undefined && anchor !== undefined, `${alert.alert} has a runbook_url with a section`);
      const page = readFileSync(join(root, path), 'utf8');
      const headings = [...page.matchAll(/^## (.+)$/gm)].map(([, title]) =>
        (title ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replaceAll(' ', '-'),
      );
      assert.ok(headings.includes(anchor), `${alert.alert}: ${path} has a "## …" heading for #${anchor}`);
      for (const part of ['**Means:**', '**Look first:**', '**Mitigate:**', '**Recovered when:**']) {
        assert.ok(page.includes(part), `${path} says ${part}`);
      }
    }
  });

  it('the latency threshold is a bucket edge of the service histogram', () => {
    assert.ok((httpDurationBuckets as readonly number[]).includes(latencyThresholdSeconds));
  });

  describe('promtool', { skip: promtoolSkip }, () => {
    it('check rules accepts the generated rules', async () => {
      const { code, output } = await run(['check', 'rules', outputs.rules]);
      assert.equal(code, 0, output);
    });

    it('test rules: the synthetic series page, ticket or stay quiet as expected', async () => {
      const { code, output } = await run(['test', 'rules', outputs.ruleTests]);
      assert.equal(code, 0, output);
      assert.match(output, /SUCCESS/);
    });
  });
});
