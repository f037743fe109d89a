import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { after, describe, it } from 'node:test';
import { backends } from '../support/databases.ts';
import { promtool, promtoolSkip, runPromtool } from '../support/promtool.ts';
import { startTestService } from '../support/service.ts';

// `promtool check metrics` (Debian's `prometheus` package) on a live scrape of the admin port,
// after traffic, so every metric family the service registers has samples. CI installs promtool;
// with KEELSON_TEST_REQUIRE_SERVICES=1 the suite never skips: a missing promtool fails it.

describe('metrics exposition', { skip: promtoolSkip }, () => {
  let stop: (() => Promise<void>) | undefined;
  after(() => stop?.());

  it('passes promtool check metrics on a live scrape after traffic', { timeout: 60_000 }, async () => {
    assert.doesNotThrow(() => accessSync(promtool, constants.X_OK), `${promtool} is not an executable file`);
    const embedded = backends().find((b) => b.name === 'pglite') ?? assert.fail('no embedded backend');
    const service = await startTestService(embedded);
    stop = () => service.stop();
    const { api } = await service.newTenant();
    const created = await api.POST('/v1/products', {
      body: { sku: 'promtool-1', name: 'Lint', unit_amount: 100, currency: 'EUR', stock: 1 },
    });
    assert.equal(created.response.status, 201);
    await api.GET('/v1/products/{id}', { params: { path: { id: 'prod_missing' } } });

    const scrape = await fetch(`${service.adminUrl}/metrics`);
    assert.equal(scrape.status, 200);
    const exposition = await scrape.text();
    assert.match(exposition, /^http_request_duration_seconds_count\{/m, 'the scrape carries the traffic');
    const { code, output } = await runPromtool(['check', 'metrics'], { stdin: exposition });
    assert.equal(code, 0, `promtool check metrics:\n${output}`);
  });
});
